import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.forms import ModelErrorsAboveFormMixin
from cluster_portal.locking import FormKeyField, SeenVersionModelForm
from cluster_portal.numbers import VietnameseNumberField, vn_formfield
from provinces.disbursements.models import BorrowerKind, Disbursement


class DisbursementForm(ModelErrorsAboveFormMixin, SeenVersionModelForm):
    """One disbursement; the borrower is typed by name and found in (or added to) the directory.
    An edit carries the version loaded, a new disbursement a key of the form shown."""

    form_key = FormKeyField()

    borrower_name = forms.CharField(
        label=_("Đơn vị vay (HTX/THT)"),
        max_length=255,
        error_messages={
            "required": _("Chưa nhập tên đơn vị vay."),
            "max_length": _("Tên đơn vị vay dài quá %(limit_value)d ký tự."),
        },
    )
    borrower_kind = forms.ChoiceField(label=_("Loại hình"), choices=BorrowerKind.choices)
    amount = VietnameseNumberField(
        integer=False,
        label=_("Số tiền (triệu đồng)"),
        error_messages={"required": _("Chưa nhập số tiền.")},
    )
    date = forms.DateField(
        label=_("Ngày giải ngân (dd/mm/yyyy)"),
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": _("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm, ví dụ 05/06/2025."),
            "required": _("Chưa nhập ngày giải ngân."),
        },
    )

    class Meta:
        model = Disbursement
        fields = ["fund", "date", "amount", "purpose", "term_months"]
        formfield_callback = vn_formfield
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2})}

    field_order = [
        "fund",
        "date",
        "borrower_name",
        "borrower_kind",
        "amount",
        "purpose",
        "term_months",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["borrower_name"] = self.instance.borrower.name
            self.initial["borrower_kind"] = self.instance.borrower.kind
        elif not self.is_bound:
            self.initial["form_key"] = uuid.uuid4()
