"""The award-history register (sổ theo dõi khen thưởng): the awards a unit has received,
each with its decision (number, date, issuer). Provinces keep it for their alliance and
their cooperatives; the nomination rules read it (one achievement, one award) and the
achievement reports print it as their table of awards received.

A row names exactly one unit: the alliance (a province), a cooperative of the directory,
another unit (đơn vị khác), an individual or a household (emulation/nominees)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emulation.nominees.models import Household, OtherUnit, Person
from provinces.disbursements.models import Cooperative
from provinces.organisation.models import YEAR_VALIDATORS, Province


class AwardRecordQuerySet(models.QuerySet):
    def of_unit(self, **unit):
        """The rows of one unit, named as `Nomination.nominee_unit_key` names it:
        alliance=, cooperative=, other_unit=, person= or household=."""
        (kind, value), *more = [(k, v) for k, v in unit.items() if v is not None]
        if more or kind not in UNIT_KINDS:
            raise TypeError(f"one unit of {UNIT_KINDS}, not {sorted(unit)}")
        return self.filter(**{kind: value})

    def of_province(self, province: Province):
        """The province's own rows: its alliance's, its cooperatives', its other units',
        its people's and households'."""
        return self.filter(of_province_q(province))


def of_province_q(province: Province) -> Q:
    """`of_province`'s condition, for the rows and their history alike."""
    return (
        Q(alliance=province)
        | Q(cooperative__province=province)
        | Q(other_unit__province=province)
        | Q(person__province=province)
        | Q(household__province=province)
    )


UNIT_KINDS = ("alliance", "cooperative", "other_unit", "person", "household")


def _exactly_one_unit() -> Q:
    condition = Q()
    for kind in UNIT_KINDS:
        one = Q(**{f"{kind}__isnull": False})
        for other in UNIT_KINDS:
            if other != kind:
                one &= Q(**{f"{other}__isnull": True})
        condition |= one
    return condition


class AwardRecord(models.Model):
    alliance = models.ForeignKey(
        Province,
        verbose_name=_("Liên minh HTX tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("HTX/THT"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_records",
    )
    other_unit = models.ForeignKey(
        OtherUnit,
        verbose_name=_("đơn vị khác"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_records",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("cá nhân"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_records",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("hộ gia đình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_records",
    )
    year = models.PositiveSmallIntegerField(
        _("năm thành tích"),
        validators=YEAR_VALIDATORS,
        help_text=_("Năm của thành tích được khen (không phải năm ra quyết định)."),
    )
    award = models.CharField(
        _("hình thức khen thưởng"),
        max_length=255,
        help_text=_("Ví dụ: Bằng khen của Chủ tịch Liên minh HTX Việt Nam."),
    )
    decision_number = models.CharField(
        _("số quyết định"), max_length=100, help_text=_("Ví dụ: 123/QĐ-LMHTXVN.")
    )
    decision_date = models.DateField(_("ngày quyết định"))
    issuer = models.CharField(
        _("cơ quan ban hành quyết định"),
        max_length=255,
        help_text=_("Ví dụ: Liên minh HTX Việt Nam; UBND tỉnh Phú Thọ."),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)
    history = HistoricalRecords(verbose_name=_("lịch sử sổ theo dõi khen thưởng"))
    objects = AwardRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("khen thưởng đã nhận")
        verbose_name_plural = _("sổ theo dõi khen thưởng")
        ordering = ["-year", "decision_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_unit(),
                name="award_record_exactly_one_unit",
                violation_error_message=_(
                    "Chọn đúng một đối tượng: Liên minh HTX tỉnh, một HTX/THT, một đơn vị "
                    "khác, một cá nhân hoặc một hộ gia đình."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(decision_number="") & ~Q(award="") & ~Q(issuer=""),
                name="award_record_decision_named",
                violation_error_message=_("Ghi đủ hình thức, số quyết định và cơ quan ban hành."),
            ),
            models.UniqueConstraint(
                fields=["alliance", "year", "decision_number"],
                condition=Q(alliance__isnull=False),
                name="award_record_alliance_decision_once",
                violation_error_message=_("Quyết định này đã có trong sổ của đơn vị cho năm này."),
            ),
            models.UniqueConstraint(
                fields=["cooperative", "year", "decision_number"],
                condition=Q(cooperative__isnull=False),
                name="award_record_cooperative_decision_once",
                violation_error_message=_("Quyết định này đã có trong sổ của đơn vị cho năm này."),
            ),
            *(
                models.UniqueConstraint(
                    fields=[kind, "year", "decision_number"],
                    condition=Q(**{f"{kind}__isnull": False}),
                    name=f"award_record_{kind}_decision_once",
                    violation_error_message=_(
                        "Quyết định này đã có trong sổ của đơn vị cho năm này."
                    ),
                )
                for kind in ("other_unit", "person", "household")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award} ({self.year}) — {self.unit_name}"

    @property
    def unit_kind(self) -> str | None:
        return next((k for k in UNIT_KINDS if getattr(self, f"{k}_id")), None)

    @property
    def unit_name(self) -> str:
        kind = self.unit_kind
        if kind is None:
            return ""
        unit = getattr(self, kind)
        return {
            "alliance": lambda: unit.alliance_name,
            "cooperative": lambda: unit.name,
            "other_unit": lambda: unit.legal_name,
            "person": lambda: unit.full_name,
            "household": lambda: unit.display_name,
        }[kind]()

    @property
    def province(self) -> Province | None:
        """The province that keeps the row."""
        if self.alliance_id:
            return self.alliance
        kind = self.unit_kind
        return getattr(self, kind).province if kind else None

    @property
    def decision_text(self) -> str:
        """ "Quyết định số 123/QĐ-LMHTXVN ngày 15/01/2023 của Liên minh HTX Việt Nam"."""
        return gettext("Quyết định số %(number)s ngày %(date)s của %(issuer)s") % {
            "number": self.decision_number,
            "date": f"{self.decision_date:%d/%m/%Y}",
            "issuer": self.issuer,
        }

    def clean(self) -> None:
        for name in ("award", "decision_number", "issuer"):
            setattr(self, name, " ".join((getattr(self, name) or "").split()))
        if self.decision_date and self.year and self.decision_date.year < self.year:
            raise ValidationError(
                {
                    "decision_date": _(
                        "Quyết định khen thành tích năm %(year)s không thể ban hành trước năm "
                        "%(year)s."
                    )
                    % {"year": self.year}
                }
            )
