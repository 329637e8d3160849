from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.locking import SeenVersionField, SeenVersionModelForm
from emulation.dossiers.models import AchievementReport

from .services import TEXT_FIELDS

LIMITS = {"summary": 3000, "achievements": 12000, "measures": 8000}


class AchievementReportForm(SeenVersionModelForm):
    class Meta:
        model = AchievementReport
        fields = list(TEXT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 6 if name == "achievements" else 4})
            for name in LIMITS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in LIMITS.items():
            self.fields[name].max_length = limit
            self.fields[name].validators.append(forms.fields.validators.MaxLengthValidator(limit))
            self.fields[name].help_text = f"Mỗi đoạn một dòng; tối đa {limit:,} ký tự.".replace(
                ",", "."
            )


class ReturnForm(forms.Form):
    seen_version = SeenVersionField()  # the report's version the page showed
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do trả lại.")},
    )
