from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.locking import SeenVersionField
from cluster_portal.numbers import YearField
from provinces.organisation.models import Province


class YearPickForm(forms.Form):
    """?to_year= of the rotate page: which year's members to show."""

    to_year = YearField(required=False)


class RotateForm(forms.Form):
    to_year = YearField(label=_("Năm nhận cờ"))
    head = forms.ModelChoiceField(
        label=_("Cụm trưởng"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=_("Mặc định: cụm phó năm trước"),
    )
    vice = forms.ModelChoiceField(
        label=_("Cụm phó"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=_("Mặc định: tỉnh kế tiếp theo thứ tự luân phiên"),
    )
    replace = forms.BooleanField(
        label=_("Thay thế nhiệm kỳ đã có (nhiệm kỳ cũ vẫn lưu trong lịch sử)"), required=False
    )
    # The version of the year's existing term the admin saw (optimistic locking).
    seen_version = SeenVersionField()

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = Province.objects.filter(pk__in=[m.pk for m in members])
        self.fields["head"].queryset = choices
        self.fields["vice"].queryset = choices
