from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.numbers import vn_formfield
from emulation.nominees.models import Household, OtherUnit, Person
from provinces.organisation.models import Province

from .models import AwardRecord
from .selectors import directory_cooperative


class AwardRecordForm(forms.ModelForm):
    """A row of the register typed on the province's page: the alliance's own award, a
    cooperative's, named as in the province's directory, or another unit's, an
    individual's or a household's the province has proposed (emulation/nominees)."""

    cooperative_name = forms.CharField(
        label=_("HTX/THT (để trống: Liên minh HTX tỉnh)"),
        max_length=255,
        required=False,
        help_text=_("Tên như trong danh bạ HTX, THT của tỉnh (không phân biệt dấu, hoa thường)."),
    )
    person_or_household = forms.ChoiceField(
        label=_("hoặc đơn vị khác, cá nhân, hộ gia đình"),
        required=False,
        help_text=_("Những đơn vị khác, cá nhân, hộ gia đình tỉnh đã đề nghị khen thưởng."),
    )
    decision_date = forms.DateField(
        label=_("Ngày quyết định (dd/mm/yyyy)"),
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")},
    )

    class Meta:
        model = AwardRecord
        fields = ["year", "award", "decision_number", "decision_date", "issuer"]
        formfield_callback = vn_formfield

    field_order = [
        "cooperative_name",
        "person_or_household",
        "year",
        "award",
        "decision_number",
        "decision_date",
    ]

    def __init__(self, *args, province: Province, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        self._others = {
            f"other_unit:{u.pk}": u for u in OtherUnit.objects.filter(province=province)
        }
        self._others |= {f"person:{p.pk}": p for p in Person.objects.filter(province=province)}
        self._others |= {
            f"household:{h.pk}": h for h in Household.objects.filter(province=province)
        }
        self.fields["person_or_household"].choices = [("", "—")] + [
            (key, str(unit)) for key, unit in self._others.items()
        ]

    def clean(self):
        data = super().clean()
        name = data.get("cooperative_name", "")
        other = data.get("person_or_household")
        if name and other:
            self.add_error(
                "person_or_household",
                _(
                    "Chọn một đơn vị: HTX/THT hoặc đơn vị khác, cá nhân, hộ gia đình, không chọn "
                    "cả hai."
                ),
            )
            return data
        if other:
            kind = other.split(":")[0]
            self.instance.alliance = self.instance.cooperative = None
            setattr(self.instance, kind, self._others[other])
            return data
        if name:
            cooperative = directory_cooperative(self.province, name)
            if cooperative is None:
                self.add_error(
                    "cooperative_name",
                    _("Không có HTX/THT “%(name)s” trong danh bạ của tỉnh %(province)s.")
                    % {"name": name, "province": self.province.name},
                )
                return data
            self.instance.cooperative, self.instance.alliance = cooperative, None
        else:
            self.instance.alliance, self.instance.cooperative = self.province, None
        return data
