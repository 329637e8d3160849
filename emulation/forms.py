from django import forms

from provinces.models import Province

from .models import Attendee, Conference, Recommendation, ReportSettings


class RotateForm(forms.Form):
    to_year = forms.IntegerField(label="Năm nhận cờ", min_value=2000, max_value=2100)
    head = forms.ModelChoiceField(
        label="Cụm trưởng",
        queryset=Province.objects.none(),
        required=False,
        empty_label="Mặc định: cụm phó năm trước",
    )
    vice = forms.ModelChoiceField(
        label="Cụm phó",
        queryset=Province.objects.none(),
        required=False,
        empty_label="Mặc định: tỉnh kế tiếp theo thứ tự luân phiên",
    )
    replace = forms.BooleanField(
        label="Thay thế nhiệm kỳ đã có (nhiệm kỳ cũ vẫn lưu trong lịch sử)", required=False
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = Province.objects.filter(pk__in=[m.pk for m in members])
        self.fields["head"].queryset = choices
        self.fields["vice"].queryset = choices


class ConferenceForm(forms.ModelForm):
    date = forms.DateField(
        label="Ngày họp (dd/mm/yyyy)",
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ngày không hợp lệ: viết theo dạng ngày/tháng/năm."},
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


class ReportSettingsForm(forms.ModelForm):
    """The chair's settings of the report document; `seen_version` detects a concurrent
    save (the second save is refused and what was typed stays in the form)."""

    document_date = forms.DateField(
        label="Ngày ban hành (dd/mm/yyyy)",
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ngày không hợp lệ: viết theo dạng ngày/tháng/năm."},
        help_text="Để trống: ngày họp hội nghị của Cụm.",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReportSettings
        fields = [
            "number",
            "symbol",
            "document_date",
            "place",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version if self.instance.pk else None
        for name, text in (defaults or {}).items():
            if text:
                self.fields[name].widget.attrs["placeholder"] = text
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
