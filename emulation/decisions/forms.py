from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    """The decision of one award: its number, date and signer, and the awardees ticked
    among the nominations the review accepted."""

    number = forms.CharField(
        label=_("Số quyết định"), max_length=100, help_text=_("Ví dụ: 125/QĐ-LMHTXVN.")
    )
    date = forms.DateField(
        label=_("Ngày quyết định (dd/mm/yyyy)"),
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")},
    )
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=120)
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=120,
        initial="Chủ tịch",
        help_text=_("Chủ tịch; hoặc Phó Chủ tịch (ký thay Chủ tịch)."),
    )
    nominations = forms.TypedMultipleChoiceField(
        label=_("Tập thể, cá nhân được khen"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một tập thể, cá nhân được khen.")},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n.pk, f"{n.nominee_name} — {n.cluster.name}") for n in candidates]
        self.fields["nominations"].choices = choices
        if not self.is_bound:
            self.initial["nominations"] = [pk for pk, _label in choices]
