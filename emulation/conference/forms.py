from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.forms import ModelErrorsAboveFormMixin
from cluster_portal.locking import SeenVersionModelForm
from cluster_portal.numbers import vn_formfield
from provinces.organisation.models import Province

from .models import Attendee, Conference, Recommendation


class ConferenceForm(ModelErrorsAboveFormMixin, SeenVersionModelForm):
    date = forms.DateField(
        label=_("Ngày họp (dd/mm/yyyy)"),
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")},
    )

    class Meta:
        model = Conference
        fields = ["ordinal", "date", "venue", "host", "topics", "agreement_signed"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Province.objects.filter(pk__in=[m.pk for m in members])
        for name, field in self.fields.items():
            css = "form-check-input" if name == "agreement_signed" else "form-control"
            field.widget.attrs.setdefault("class", css)


class _StyledInlineForm(forms.ModelForm):
    class Meta:
        formfield_callback = vn_formfield  # "thứ tự" read by the one number reader

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if name == "DELETE" else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)


AttendeeFormSet = forms.inlineformset_factory(
    Conference,
    Attendee,
    form=_StyledInlineForm,
    fields=["name", "title", "organisation", "order"],
    extra=2,
    can_delete=True,
)
RecommendationFormSet = forms.inlineformset_factory(
    Conference,
    Recommendation,
    form=_StyledInlineForm,
    fields=["text", "addressed_to", "order"],
    extra=1,
    can_delete=True,
    widgets={"text": forms.Textarea(attrs={"rows": 2})},
)
