from django import forms
from django.utils.translation import gettext_lazy as _

from .tokens import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên (để nhận biết, ví dụ: Hệ thống báo cáo tỉnh)"),
        max_length=100,
        error_messages={"required": _("Hãy đặt tên cho mã truy cập.")},
    )
    days = forms.IntegerField(
        label=_("Thời hạn (ngày)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        error_messages={
            "required": _("Hãy nhập thời hạn (số ngày)."),
            "invalid": _("Thời hạn là một số nguyên (số ngày)."),
            "min_value": _("Thời hạn ít nhất 1 ngày."),
            "max_value": _("Thời hạn tối đa %(limit_value)s ngày."),
        },
    )
