import secrets

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cluster_portal.numbers import VietnameseIntegerField

from .tokens import DEFAULT_DAYS, MAX_DAYS


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


STALE_FORM = _("Biểu mẫu đã cũ hoặc không đầy đủ: hãy tải lại trang rồi tạo mã.")


class TokenForm(forms.Form):
    """`nonce`, a random value each form is drawn with, names the token the form makes:
    the form sent twice makes it once (tokens.api_token_create)."""

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
    read_only = forms.BooleanField(
        label=_("Chỉ đọc (mã không ghi được gì, kể cả khi bạn có quyền ghi)"), required=False
    )
    nonce = forms.CharField(
        widget=forms.HiddenInput,
        initial=new_nonce,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]{20,64}\Z", message=STALE_FORM)],
        error_messages={"required": STALE_FORM},
    )
