from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Channel, Delivery
from .phone import PhoneError, normalised


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Nhận thư thông báo"), choices=Delivery.choices, widget=forms.RadioSelect
    )
    mute_reminders = forms.BooleanField(
        label=_("Tắt nhắc hạn (vẫn nhận thông báo khi số liệu bị trả lại hoặc được duyệt)"),
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Kênh nhận thông báo"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        required=False,  # not sent: the channel stays as it was
        help_text=_("Zalo: tin tới số điện thoại đã xác nhận bên dưới."),
    )

    def __init__(self, *args, phone_confirmed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone_confirmed = phone_confirmed

    def clean_channel(self) -> str:
        channel = self.cleaned_data["channel"] or self.initial.get("channel") or Channel.EMAIL
        if channel != Channel.EMAIL and not self.phone_confirmed:
            raise forms.ValidationError(
                _("Hãy xác nhận số điện thoại Zalo trước khi chọn nhận thông báo qua Zalo.")
            )
        return channel


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại di động dùng Zalo"),
        max_length=20,
        help_text=_(
            "Chúng tôi gửi một mã 6 số qua Zalo tới số này; số chỉ được dùng khi bạn nhập đúng mã."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")

    def clean_phone(self) -> str:
        try:
            return normalised(self.cleaned_data["phone"])
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None


class PhoneCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã xác nhận"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Mã gồm 6 chữ số.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Địa chỉ thư điện tử mới"),
        max_length=254,
        help_text=_(
            "Chúng tôi gửi một đường dẫn xác nhận tới địa chỉ mới; địa chỉ chỉ đổi khi bạn "
            "mở đường dẫn đó."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError(_("Đây đã là địa chỉ thư của bạn."))
        taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=self.user.pk)
        if taken.exists():
            raise forms.ValidationError(_("Địa chỉ này đã được dùng cho một tài khoản khác."))
        return email
