from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Delivery


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Nhận thư thông báo"), choices=Delivery.choices, widget=forms.RadioSelect
    )
    mute_reminders = forms.BooleanField(
        label=_("Tắt nhắc hạn (vẫn nhận thông báo khi số liệu bị trả lại hoặc được duyệt)"),
        required=False,
    )


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
