"""The chair's form of the dossier's settings (`DossierSettings`): dates typed
dd/mm/yyyy, times hh:mm, the defaults shown in the empty fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.numbers import vn_formfield
from emulation.reports.forms import LetterSettingsForm, document_date_field

from .models import DossierSettings

TIME = {"input_formats": ["%H:%M", "%Hg%M", "%Hh%M"], "required": False}


class DossierSettingsForm(LetterSettingsForm):
    document_date = document_date_field(
        _("Ngày tờ trình (dd/mm/yyyy)"),
        DossierSettings._meta.get_field("document_date").help_text,
    )
    meeting_start = forms.TimeField(
        label=_("Giờ bắt đầu họp (hh:mm)"),
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "08:00"}),
        error_messages={"invalid": _("Giờ không hợp lệ: viết theo dạng giờ:phút, ví dụ 08:00.")},
        **TIME,
    )
    meeting_end = forms.TimeField(
        label=_("Giờ kết thúc họp (hh:mm)"),
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "11:30"}),
        error_messages={"invalid": _("Giờ không hợp lệ: viết theo dạng giờ:phút, ví dụ 11:30.")},
        **TIME,
    )

    class Meta:
        model = DossierSettings
        fields = [
            "number",
            "document_date",
            "place",
            "addressee",
            "signer_title",
            "signer_name",
            "recipients",
            "minutes_number",
            "meeting_start",
            "meeting_end",
            "chair_name",
            "secretary_name",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4})}
        formfield_callback = vn_formfield
