from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.locking import SeenVersionField, SeenVersionModelForm
from cluster_portal.numbers import VietnameseNumberField
from emulation.dossiers.models import AchievementReport

from .report_fields import BUSINESS, REQUIRED, SUMMARY_LABEL, fields_for
from .services import TEXT_FIELDS

LIMITS = {
    "summary": 3000,
    "achievements": 12000,
    "measures": 8000,
    "compliance": 4000,
    "founding": 3000,
    "structure": 3000,
}
_LONG_TEXTS = {"summary": 4, "achievements": 6, "measures": 4, "compliance": 3}


class AchievementReportForm(SeenVersionModelForm):
    """The report's form for one kind of nominee (report_fields.FIELDS): the collective's,
    the individual's or the household's; the fields a submitted report needs are marked
    with "*" and named again when the report is submitted without them."""

    class Meta:
        model = AchievementReport
        fields = list(TEXT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": _LONG_TEXTS.get(name, 3)}) for name in LIMITS
        }

    def __init__(self, *args, kind: str, cooperative=None, **kwargs):
        super().__init__(*args, **kwargs)
        shown = set(fields_for(kind))
        for name in list(self.fields):
            if name in TEXT_FIELDS and name not in shown:
                del self.fields[name]
        if "summary" in self.fields:
            self.fields["summary"].label = SUMMARY_LABEL[kind]
        for name in BUSINESS + ("staff_count",):
            if name in self.fields:
                field = self.fields[name]
                self.fields[name] = VietnameseNumberField(
                    integer=name.split("_")[0] in ("staff", "members", "workers"),
                    decimal_places=1,
                    min_value=None if name.startswith("profit") else 0,
                    label=field.label,
                    help_text=field.help_text,
                    required=False,
                )
        for name, limit in LIMITS.items():
            if name not in self.fields:
                continue
            self.fields[name].max_length = limit
            self.fields[name].validators.append(forms.fields.validators.MaxLengthValidator(limit))
            self.fields[name].help_text = f"Mỗi đoạn một dòng; tối đa {limit:,} ký tự.".replace(
                ",", "."
            )
        for name in REQUIRED[kind]:
            if name in self.fields:
                self.fields[name].label = f"{self.fields[name].label} *"
        if cooperative is not None:
            self.fields = {
                "full_name": forms.CharField(
                    label=_("Tên đầy đủ của HTX/THT (không viết tắt) *"),
                    max_length=255,
                    required=False,
                    initial=cooperative.full_name,
                    help_text=_(
                        "Như trong giấy chứng nhận đăng ký, ví dụ: Hợp tác xã Dịch vụ nông "
                        "nghiệp Tân Lập. Mọi văn bản của hồ sơ in tên này."
                    ),
                ),
                **self.fields,
            }


class ReturnForm(forms.Form):
    seen_version = SeenVersionField()  # the report's version the page showed
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do trả lại.")},
    )
