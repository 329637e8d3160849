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


class _RowForm(forms.ModelForm):
    class Meta:
        formfield_callback = vn_formfield  # "thứ tự" read by the one number reader

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The position on the page is the order (RowFormSet): no "Thứ tự: 0" to fill.
        self.fields["order"].widget = forms.HiddenInput()


class RowFormSet(forms.BaseInlineFormSet):
    """Rows drawn one under the other (templates/forms/formset_rows.html): a few blank
    rows without JavaScript, one and a "Thêm dòng" button with it (static/js/formset.js).
    The rows keep the order they are shown in: the order field is hidden and
    `conference_save` numbers the rows."""

    template_name = "forms/formset_rows.html"


def _rows(model, fields, **kwargs):
    return forms.inlineformset_factory(
        Conference,
        model,
        form=_RowForm,
        formset=RowFormSet,
        fields=[*fields, "order"],
        extra=3,
        can_delete=True,
        can_delete_extra=False,
        **kwargs,
    )


AttendeeFormSet = _rows(Attendee, ["name", "title", "organisation"])
RecommendationFormSet = _rows(
    Recommendation, ["text", "addressed_to"], widgets={"text": forms.Textarea(attrs={"rows": 2})}
)
