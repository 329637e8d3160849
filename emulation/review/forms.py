from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.locking import SeenVersionField


class SendForm(forms.Form):
    seen_version = SeenVersionField()  # 0: the page showed no sending yet
    note = forms.CharField(
        label=_("Ghi chú gửi kèm"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Khi gửi lại hồ sơ bị trả lại: ghi rõ đã bổ sung, sửa những gì."),
    )


class ReturnForm(forms.Form):
    seen_version = SeenVersionField()
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StepForm(forms.Form):
    seen_version = SeenVersionField()
