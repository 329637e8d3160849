"""The nominations page's forms: the proposal (an alliance, a cooperative, another unit, an
individual or a household) and the chair's steps (vote, endorse, submit, decide)."""

import uuid

from django import forms
from django.utils.translation import gettext, gettext_lazy

from cluster_portal.locking import FormKeyField, SeenVersionField
from cluster_portal.numbers import VietnameseNumberField
from emulation.nominations.models import AwardType, VotingMethod
from emulation.nominees.models import OtherUnitType, Sex
from provinces.disbursements.models import BorrowerKind
from provinces.organisation.models import Province

# Forms -----------------------------------------------------------------------------------
#
# Choices come from objects the page has already loaded, so that rendering the form adds
# no query; the cleaned data hold the objects again.


class ProposeForm(forms.Form):
    award_type = forms.TypedChoiceField(label=gettext_lazy("Hình thức khen thưởng"), coerce=int)
    alliance = forms.TypedChoiceField(
        label=gettext_lazy("Liên minh HTX tỉnh được đề nghị"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Để trống nếu đề nghị một HTX/THT."),
    )
    cooperative_name = forms.CharField(
        label=gettext_lazy("hoặc tên HTX/THT được đề nghị"),
        max_length=255,
        required=False,
        help_text=gettext_lazy(
            "Tra trong danh bạ của tỉnh (không phân biệt dấu, hoa thường); chưa có thì thêm mới."
        ),
    )
    cooperative_kind = forms.ChoiceField(
        label=gettext_lazy("Loại hình"), choices=BorrowerKind.choices, initial=BorrowerKind.HTX
    )
    cooperative_province = forms.TypedChoiceField(
        label=gettext_lazy("Tỉnh của HTX/THT, đơn vị khác, cá nhân, hộ gia đình"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Để trống: tỉnh của bạn."),
    )
    # Another unit (section I of the collective form) ...
    other_unit_legal_name = forms.CharField(
        label=gettext_lazy("Tên đơn vị (đầy đủ, không viết tắt)"),
        max_length=255,
        required=False,
        help_text=gettext_lazy(
            "Liên hiệp HTX, doanh nghiệp, hiệp hội, phòng, ban…; để trống nếu không đề nghị."
        ),
    )
    other_unit_unit_type = forms.ChoiceField(
        label=gettext_lazy("Loại hình đơn vị"),
        choices=[("", "—"), *OtherUnitType.choices],
        required=False,
    )
    other_unit_head_office = forms.CharField(
        label=gettext_lazy("Địa chỉ trụ sở chính"), max_length=255, required=False
    )
    other_unit_phone = forms.CharField(
        label=gettext_lazy("Điện thoại"), max_length=50, required=False
    )
    other_unit_website = forms.CharField(
        label=gettext_lazy("Trang thông tin điện tử, thư điện tử"), max_length=255, required=False
    )
    other_unit_founded_year = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Năm thành lập"),
        min_value=1900,
        max_value=2100,
        required=False,
    )
    other_unit_staff_count = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Tổng số cán bộ, nhân viên (lao động)"),
        min_value=0,
        max_value=1_000_000,
        required=False,
    )
    other_unit_founding = forms.CharField(
        label=gettext_lazy("Quá trình thành lập và phát triển"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    other_unit_structure = forms.CharField(
        label=gettext_lazy("Tổ chức bộ máy"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # ... or an individual (the individual form's particulars) ...
    person_full_name = forms.CharField(
        label=gettext_lazy("Họ và tên cá nhân (đầy đủ, không viết tắt)"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Để trống nếu không đề nghị cá nhân."),
    )
    person_sex = forms.ChoiceField(
        label=gettext_lazy("Giới tính"), choices=[("", "—"), *Sex.choices], required=False
    )
    person_date_of_birth = forms.DateField(
        label=gettext_lazy("Ngày sinh"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": gettext_lazy("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")
        },
    )
    person_hometown = forms.CharField(
        label=gettext_lazy("Quê quán"), max_length=255, required=False
    )
    person_home_address = forms.CharField(
        label=gettext_lazy("Nơi thường trú"), max_length=255, required=False
    )
    person_workplace = forms.CharField(
        label=gettext_lazy("Đơn vị công tác (tên đầy đủ)"), max_length=255, required=False
    )
    person_position = forms.CharField(
        label=gettext_lazy("Chức vụ (Đảng, chính quyền, đoàn thể)"), max_length=255, required=False
    )
    person_qualification = forms.CharField(
        label=gettext_lazy("Trình độ chuyên môn, nghiệp vụ"), max_length=255, required=False
    )
    person_political_theory = forms.CharField(
        label=gettext_lazy("Trình độ lý luận chính trị"), max_length=100, required=False
    )
    person_working_since = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Năm bắt đầu công tác"),
        min_value=1945,
        max_value=2100,
        required=False,
    )
    # ... or a household.
    household_head_name = forms.CharField(
        label=gettext_lazy("Họ và tên chủ hộ (đầy đủ)"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Để trống nếu không đề nghị hộ gia đình."),
    )
    household_head_sex = forms.ChoiceField(
        label=gettext_lazy("Giới tính chủ hộ"), choices=[("", "—"), *Sex.choices], required=False
    )
    household_address = forms.CharField(
        label=gettext_lazy("Địa chỉ của hộ"), max_length=255, required=False
    )
    household_members = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Số nhân khẩu"),
        min_value=1,
        max_value=99,
        required=False,
    )
    household_main_activity = forms.CharField(
        label=gettext_lazy("Ngành nghề sản xuất, kinh doanh chính"),
        max_length=255,
        required=False,
    )
    achievements = forms.CharField(
        label=gettext_lazy("Thành tích"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    rank_reason = forms.CharField(
        label=gettext_lazy("Lý do đề nghị (khi xếp hạng sau thành viên không được đề nghị)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("In trong biên bản hội nghị."),
    )
    form_key = FormKeyField()

    def __init__(self, *args, award_types: list[AwardType], provinces: list[Province], **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_key"] = uuid.uuid4()
        self._award_types = {t.pk: t for t in award_types}
        self._provinces = {p.pk: p for p in provinces}
        self.fields["award_type"].choices = [(t.pk, t.name) for t in award_types]
        self.fields["alliance"].choices = [("", gettext("— Không (đề nghị HTX/THT) —"))] + [
            (p.pk, p.alliance_name) for p in provinces
        ]
        own = [(p.pk, p.name) for p in provinces]
        self.fields["cooperative_province"].choices = (
            own if len(own) == 1 else [("", gettext("— Chọn tỉnh —")), *own]
        )

    def fields_of(self, prefix: str) -> list:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    @property
    def main_fields(self) -> list:
        return [
            field
            for field in self.visible_fields()
            if not field.name.startswith(("person_", "household_", "other_unit_"))
        ]

    @property
    def person_fields(self) -> list:
        return self.fields_of("person_")

    @property
    def other_unit_fields(self) -> list:
        return self.fields_of("other_unit_")

    @property
    def household_fields(self) -> list:
        return self.fields_of("household_")

    def nominee_particulars(self, prefix: str) -> dict | None:
        """{"full_name": …} of the person (prefix "person_"), the household or the other
        unit, None when
        nothing of it was typed."""
        data = self.cleaned_data
        values = {
            name.removeprefix(prefix): data.get(name)
            for name in self.fields
            if name.startswith(prefix)
        }
        if not any(value not in (None, "") for value in values.values()):
            return None
        return {name: value for name, value in values.items() if value not in (None, "")}

    def clean(self):
        data = super().clean()
        if data.get("award_type") is not None:
            data["award_type"] = self._award_types[data["award_type"]]
        for name in ("alliance", "cooperative_province"):
            if data.get(name) is not None:
                data[name] = self._provinces[data[name]]
        return data


class StepForm(forms.Form):
    """Every step carries the version of the nomination the page showed (optimistic
    locking: a step taken on a stale page is refused)."""

    seen_version = SeenVersionField()


class VoteForm(StepForm):
    # A vote can be corrected until endorsed: the version seen is required here.
    seen_version = SeenVersionField(
        required=True,
        error_messages={
            "required": gettext_lazy("Trang đã cũ: hãy tải lại trang rồi ghi kết quả biểu quyết.")
        },
    )
    votes_for = VietnameseNumberField(
        integer=True, label=gettext_lazy("Số phiếu tán thành"), min_value=0, max_value=9999
    )
    votes_present = VietnameseNumberField(
        integer=True, label=gettext_lazy("Số thành viên có mặt"), min_value=1, max_value=9999
    )
    voting_method = forms.ChoiceField(
        label=gettext_lazy("Hình thức biểu quyết"), choices=VotingMethod.choices, required=False
    )
    ballots_issued = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Số phiếu phát ra"),
        min_value=0,
        max_value=9999,
        required=False,
    )
    ballots_returned = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Số phiếu thu về"),
        min_value=0,
        max_value=9999,
        required=False,
    )
    ballots_valid = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Số phiếu hợp lệ"),
        min_value=0,
        max_value=9999,
        required=False,
    )
    rank_reason = forms.CharField(
        label=gettext_lazy("Lý do đề nghị (khi xếp hạng sau thành viên không được đề nghị)"),
        max_length=2000,
        required=False,
    )


class DecideForm(StepForm):
    OUTCOMES = [
        ("granted", gettext_lazy("Được khen thưởng")),
        ("not_granted", gettext_lazy("Không được khen thưởng")),
    ]

    outcome = forms.ChoiceField(
        label=gettext_lazy("Kết quả"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    decision_number = forms.CharField(
        label=gettext_lazy("Số quyết định"), max_length=100, required=False
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Ngày quyết định"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": gettext_lazy("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do không được khen"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
