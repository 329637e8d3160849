from django import forms

from provinces.models import Province


class RotateForm(forms.Form):
    to_year = forms.IntegerField(label="Năm nhận cờ", min_value=2000, max_value=2100)
    head = forms.ModelChoiceField(
        label="Cụm trưởng",
        queryset=Province.objects.none(),
        required=False,
        empty_label="Mặc định: cụm phó năm trước",
    )
    vice = forms.ModelChoiceField(
        label="Cụm phó",
        queryset=Province.objects.none(),
        required=False,
        empty_label="Mặc định: tỉnh kế tiếp theo thứ tự luân phiên",
    )
    replace = forms.BooleanField(
        label="Thay thế nhiệm kỳ đã có (nhiệm kỳ cũ vẫn lưu trong lịch sử)", required=False
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = Province.objects.filter(pk__in=[m.pk for m in members])
        self.fields["head"].queryset = choices
        self.fields["vice"].queryset = choices
