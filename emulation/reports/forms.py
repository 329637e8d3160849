from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.locking import SeenVersionModelForm
from cluster_portal.numbers import vn_formfield

from .models import ReportSettings


def document_date_field(label, help_text) -> forms.DateField:
    """A letter's date, typed dd/mm/yyyy."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")},
        help_text=help_text,
    )


class LetterSettingsForm(SeenVersionModelForm):
    """A letter's settings (`LetterSettings`): `defaults`, what each empty field becomes,
    shown in it; `seen_version` detects a concurrent save (the second save is refused and
    what was typed stays in the form)."""

    def __init__(self, *args, defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in (defaults or {}).items():
            if text:
                self.fields[name].widget.attrs["placeholder"] = text
                # The default is the document's own Vietnamese text (place, signatory,
                # recipients): marked so, whatever the page's language.
                self.fields[name].widget.attrs["lang"] = "vi"


class ReportSettingsForm(LetterSettingsForm):
    """The chair's settings of the report document."""

    document_date = document_date_field(
        _("Ngày ban hành (dd/mm/yyyy)"), _("Để trống: ngày họp hội nghị của Cụm.")
    )

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
            "difficulties",
            "directions",
        ]
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 5}),
            "difficulties": forms.Textarea(attrs={"rows": 6}),
            "directions": forms.Textarea(attrs={"rows": 6}),
        }
        formfield_callback = vn_formfield
