"""Nominees that are not in a directory of their own: individuals (cá nhân, e.g. an
alliance chair) and households (hộ gia đình), which the Law on Emulation and Commendation
2022 allows besides collectives, and collectives that are neither an alliance nor a
cooperative ("other units", đơn vị khác: a cooperative union, an enterprise, an association,
a department). Each holds what its official achievement-report form asks
for (NĐ 152/2025/NĐ-CP, 98/2023/NĐ-CP before it: the individual's and the household's
forms). The province that proposes them keeps them; the nominations and the award-history
register point at them as they point at an alliance or a cooperative."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.organisation.models import Province


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


def tidy(value: str) -> str:
    """A name or address as the nominees keep it, and as lookups match it: spaces folded."""
    return " ".join((value or "").split())


class Person(models.Model):
    """An individual, as the individual form's "sơ lược lý lịch" asks: the full name
    (never abbreviated), date of birth, sex, home town, residence, unit of work, position
    and qualifications."""

    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField(
        _("họ và tên (đầy đủ, không viết tắt)"),
        max_length=120,
        help_text=_("Viết đầy đủ như trong giấy tờ tùy thân, ví dụ: Nguyễn Văn An."),
    )
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    hometown = models.CharField(_("quê quán"), max_length=255, blank=True)
    home_address = models.CharField(_("nơi thường trú"), max_length=255)
    workplace = models.CharField(
        _("đơn vị công tác (tên đầy đủ)"),
        max_length=255,
        help_text=_("Ví dụ: Liên minh Hợp tác xã tỉnh Sơn La."),
    )
    position = models.CharField(
        _("chức vụ (Đảng, chính quyền, đoàn thể)"),
        max_length=255,
        help_text=_("Ví dụ: Chủ tịch Liên minh Hợp tác xã tỉnh."),
    )
    qualification = models.CharField(
        _("trình độ chuyên môn, nghiệp vụ"), max_length=255, blank=True
    )
    political_theory = models.CharField(_("trình độ lý luận chính trị"), max_length=100, blank=True)
    working_since = models.PositiveSmallIntegerField(
        _("năm bắt đầu công tác"), null=True, blank=True
    )

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords(verbose_name=_("lịch sử cá nhân được đề nghị"))

    class Meta:
        verbose_name = _("cá nhân được đề nghị khen thưởng")
        verbose_name_plural = _("cá nhân được đề nghị khen thưởng")
        ordering = ["province__name", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "full_name", "date_of_birth"],
                name="person_once_per_province",
                violation_error_message=_("Tỉnh đã có cá nhân cùng họ tên và ngày sinh này."),
            ),
            models.CheckConstraint(
                condition=~Q(full_name="") & ~Q(position="") & ~Q(workplace=""),
                name="person_named_with_position",
                violation_error_message=_("Ghi đủ họ và tên, chức vụ và đơn vị công tác."),
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="person_sex_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def title(self) -> str:
        """ "Ông" or "Bà", as documents name a person."""
        return gettext("Ông") if self.sex == Sex.MALE else gettext("Bà")

    @property
    def display_name(self) -> str:
        """ "Ông Nguyễn Văn An, Chủ tịch Liên minh Hợp tác xã tỉnh Sơn La"."""
        return f"{self.title} {self.full_name}, {self.position}"

    def clean(self) -> None:
        for name in ("full_name", "hometown", "home_address", "workplace", "position"):
            setattr(self, name, tidy(getattr(self, name)))


class Household(models.Model):
    """A household (hộ gia đình), as the household form asks: the head of household's
    full name, the address, the number of members and the main activity."""

    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField(_("họ và tên chủ hộ (đầy đủ)"), max_length=120)
    head_sex = models.CharField(_("giới tính chủ hộ"), max_length=6, choices=Sex.choices)
    address = models.CharField(
        _("địa chỉ"), max_length=255, help_text=_("Thôn (bản, tổ), xã (phường), tỉnh.")
    )
    members = models.PositiveSmallIntegerField(_("số nhân khẩu"), validators=[MinValueValidator(1)])
    main_activity = models.CharField(
        _("ngành nghề sản xuất, kinh doanh chính"),
        max_length=255,
        help_text=_("Ví dụ: trồng và chế biến chè; thành viên HTX chè Tân Minh."),
    )

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords(verbose_name=_("lịch sử hộ gia đình được đề nghị"))

    class Meta:
        verbose_name = _("hộ gia đình được đề nghị khen thưởng")
        verbose_name_plural = _("hộ gia đình được đề nghị khen thưởng")
        ordering = ["province__name", "head_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "head_name", "address"],
                name="household_once_per_province",
                violation_error_message=_("Tỉnh đã có hộ gia đình cùng chủ hộ và địa chỉ này."),
            ),
            models.CheckConstraint(
                condition=~Q(head_name="") & ~Q(address="") & ~Q(main_activity=""),
                name="household_named_with_address",
                violation_error_message=_("Ghi đủ họ và tên chủ hộ, địa chỉ và ngành nghề chính."),
            ),
            models.CheckConstraint(
                condition=Q(members__gte=1),
                name="household_has_members",
                violation_error_message=_("Hộ gia đình có ít nhất 1 nhân khẩu."),
            ),
            models.CheckConstraint(
                condition=Q(head_sex__in=Sex.values), name="household_head_sex_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """ "Hộ gia đình ông Lò Văn Pọm"."""
        title = gettext("ông") if self.head_sex == Sex.MALE else gettext("bà")
        return gettext("Hộ gia đình %(title)s %(name)s") % {"title": title, "name": self.head_name}

    def clean(self) -> None:
        for name in ("head_name", "address", "main_activity"):
            setattr(self, name, tidy(getattr(self, name)))


class OtherUnitType(models.TextChoices):
    UNION = "union", _("Liên hiệp hợp tác xã")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    ASSOCIATION = "association", _("Hội, hiệp hội")
    DEPARTMENT = "department", _("Cơ quan, phòng, ban chuyên môn")
    OTHER = "other", _("Tổ chức khác")


class OtherUnit(models.Model):
    """A collective that is not an alliance or a cooperative (đơn vị khác), with what
    section I of the official collective form asks of the unit: its full name (never
    abbreviated), head office, phone, website, founding, structure and staff. Its report
    is the collective form without a cooperative's business figures."""

    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    legal_name = models.CharField(
        _("tên đơn vị (đầy đủ, không viết tắt)"),
        max_length=255,
        help_text=_("Ví dụ: Liên hiệp Hợp tác xã Nông nghiệp tỉnh Sơn La."),
    )
    unit_type = models.CharField(
        _("loại hình đơn vị"), max_length=12, choices=OtherUnitType.choices
    )
    head_office = models.CharField(_("địa chỉ trụ sở chính"), max_length=255)
    phone = models.CharField(_("điện thoại"), max_length=50)
    website = models.CharField(
        _("trang thông tin điện tử, thư điện tử"), max_length=255, blank=True
    )
    founded_year = models.PositiveSmallIntegerField(
        _("năm thành lập"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    founding = models.TextField(
        _("quá trình thành lập và phát triển"),
        help_text=_("Quyết định thành lập (số, ngày, cơ quan), những mốc phát triển chính."),
    )
    structure = models.TextField(
        _("tổ chức bộ máy"), help_text=_("Lãnh đạo, các phòng, ban, đơn vị trực thuộc.")
    )
    staff_count = models.PositiveIntegerField(_("tổng số cán bộ, nhân viên (lao động)"))

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords(verbose_name=_("lịch sử đơn vị khác được đề nghị"))

    class Meta:
        verbose_name = _("đơn vị khác được đề nghị khen thưởng")
        verbose_name_plural = _("đơn vị khác được đề nghị khen thưởng")
        ordering = ["province__name", "legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "legal_name"],
                name="other_unit_once_per_province",
                violation_error_message=_("Tỉnh đã có đơn vị khác cùng tên này."),
            ),
            models.CheckConstraint(
                condition=~Q(legal_name="") & ~Q(head_office="") & ~Q(phone=""),
                name="other_unit_named_with_office",
                violation_error_message=_(
                    "Ghi đủ tên đầy đủ, địa chỉ trụ sở chính và điện thoại của đơn vị."
                ),
            ),
            models.CheckConstraint(
                condition=Q(unit_type__in=OtherUnitType.values), name="other_unit_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def display_name(self) -> str:
        return self.legal_name

    def clean(self) -> None:
        for name in ("legal_name", "head_office", "phone", "website"):
            setattr(self, name, tidy(getattr(self, name)))
