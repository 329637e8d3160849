from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.numbers import VietnameseIntegerField

from .tokens import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên (để nhận biết, ví dụ: Hệ thống báo cáo tỉnh)"),
        max_length=100,
        error_messages={"required": _("Hãy đặt tên cho mã truy cập.")},
    )
    days = VietnameseIntegerField(
        label=_("Thời hạn (ngày)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        error_messages={
            "required": _("Hãy nhập thời hạn (số ngày)."),
            "out_of_range": _("Thời hạn phải từ 1 đến %(max)s ngày.") % {"max": MAX_DAYS},
        },
    )
