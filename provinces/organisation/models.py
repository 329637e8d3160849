import datetime
import functools
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .dates import fmt_date, year_end
from .querysets import MembershipQuerySet, ProvinceQuerySet, TermQuerySet

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def fold_accents(text: str) -> str:
    """Lower-case ASCII with Vietnamese accents removed: "Điện Biên" -> "dien bien". Every
    name comparison of the portal (slugs, the borrower directory, column headers) uses it."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@functools.lru_cache(maxsize=4096)  # pure; every sort of provinces by name calls it
def ascii_slug(name: str) -> str:
    """ "Phú Thọ" -> "phutho": the name without accents, spaces or punctuation."""
    return "".join(ch for ch in fold_accents(name) if ch.isalnum())


class Province(models.Model):
    """A provincial unit and its cooperative alliance, over the period it existed.

    A code identifies a unit only together with a date: 15 is Yên Bái until 30/06/2025
    and the merged Lào Cai from 01/07/2025. Units are never rewritten; a merger closes
    the old units (valid_to) and links them to their successor.
    """

    code = models.CharField(
        _("mã tỉnh"),
        max_length=2,
        validators=[RegexValidator(r"^\d{2}$", "Mã tỉnh gồm đúng 2 chữ số.")],
    )
    name = models.CharField(_("tên tỉnh"), max_length=100)
    valid_from = models.DateField(
        _("hiệu lực từ"), null=True, blank=True, help_text=_("Để trống: trước khi có dữ liệu.")
    )
    valid_to = models.DateField(
        _("hiệu lực đến"), null=True, blank=True, help_text=_("Để trống: vẫn còn hiệu lực.")
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    full_name = models.CharField(
        _("tên đầy đủ của Liên minh"),
        max_length=255,
        blank=True,
        help_text=_(
            "Tên pháp lý dùng trong văn bản, không viết tắt. Để trống: "
            "“Liên minh Hợp tác xã tỉnh <tên tỉnh>”."
        ),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)  # admin edits
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)

    history = HistoricalRecords(verbose_name=_("lịch sử tỉnh"))
    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tỉnh (Liên minh HTX tỉnh)")
        verbose_name_plural = _("tỉnh (Liên minh HTX tỉnh)")
        ordering = ["name", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="province_valid_from_le_valid_to",
                violation_error_message="Ngày hiệu lực từ phải trước ngày hiệu lực đến.",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(valid_to__isnull=False),
                name="province_successor_needs_end",
                violation_error_message="Chỉ đơn vị đã hết hiệu lực mới có đơn vị kế thừa.",
            ),
        ]

    def __str__(self) -> str:
        if self.valid_to:
            return gettext("%(name)s (%(code)s, đến %(date)s)") % {
                "name": self.name,
                "code": self.code,
                "date": fmt_date(self.valid_to),
            }
        if self.valid_from:
            return gettext("%(name)s (%(code)s, từ %(date)s)") % {
                "name": self.name,
                "code": self.code,
                "date": fmt_date(self.valid_from),
            }
        return f"{self.name} ({self.code})"

    @property
    def alliance_name(self) -> str:
        return f"Liên minh HTX tỉnh {self.name}"

    @property
    def legal_name(self) -> str:
        """The alliance's full name, as documents write it (never "HTX")."""
        return self.full_name or f"Liên minh Hợp tác xã tỉnh {self.name}"

    @property
    def slug(self) -> str:
        return ascii_slug(self.name)

    @property
    def sort_key(self) -> tuple[str, str]:
        """Alphabetical order as Vietnamese readers expect it: Điện Biên among the D's."""
        return (ascii_slug(self.name), self.name)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def is_valid_in(self, year: int) -> bool:
        return self.is_valid_on(year_end(year))

    def unit_in(self, year: int) -> "Province | None":
        """This unit, or the successor it merged into, as it stood at the end of `year`."""
        unit = self
        while not unit.is_valid_in(year):
            if unit.successor is None or unit.valid_to is None or unit.valid_to >= year_end(year):
                return None
            unit = unit.successor
        return unit

    def clean(self) -> None:
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": "Một đơn vị không thể kế thừa chính nó."})
        same_code = Province.objects.filter(code=self.code).exclude(pk=self.pk)
        for other in same_code:
            starts_before_other_ends = (
                self.valid_from is None
                or other.valid_to is None
                or self.valid_from <= other.valid_to
            )
            ends_after_other_starts = (
                self.valid_to is None
                or other.valid_from is None
                or other.valid_from <= self.valid_to
            )
            if starts_before_other_ends and ends_after_other_starts:
                raise ValidationError(
                    f"Mã {self.code} đã dùng cho {other} trong cùng thời gian: "
                    "hai đơn vị cùng mã không được có thời gian hiệu lực chồng nhau."
                )


class Cluster(models.Model):
    """An emulation cluster (cụm thi đua) of provincial alliances."""

    slug = models.SlugField(_("mã cụm"), max_length=60, unique=True)
    name = models.CharField(_("tên cụm"), max_length=200)
    from_year = models.PositiveSmallIntegerField(_("từ năm"), validators=YEAR_VALIDATORS)
    to_year = models.PositiveSmallIntegerField(
        _("đến năm"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Để trống: vẫn hoạt động."),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)  # admin edits
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)

    history = HistoricalRecords(verbose_name=_("lịch sử cụm"))

    class Meta:
        verbose_name = _("cụm thi đua")
        verbose_name_plural = _("cụm thi đua")
        ordering = ["from_year", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_year__isnull=True) | Q(from_year__lte=F("to_year")),
                name="cluster_from_year_le_to_year",
                violation_error_message="Năm bắt đầu phải không sau năm kết thúc.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_in(self, year: int) -> bool:
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


class ClusterMembership(models.Model):
    """A province's membership of a cluster over a range of years."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="memberships"
    )
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="memberships"
    )
    from_year = models.PositiveSmallIntegerField(_("từ năm"), validators=YEAR_VALIDATORS)
    to_year = models.PositiveSmallIntegerField(
        _("đến năm"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Để trống: vẫn là thành viên."),
    )
    rotation_order = models.PositiveSmallIntegerField(
        _("thứ tự luân phiên"),
        null=True,
        blank=True,
        help_text=_("Thứ tự nhận cờ luân lưu; để trống: theo tên tỉnh."),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)  # admin edits
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)

    history = HistoricalRecords(verbose_name=_("lịch sử thành viên cụm"))
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("thành viên cụm")
        verbose_name_plural = _("thành viên cụm")
        ordering = ["cluster", "from_year", "province__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_year__isnull=True) | Q(from_year__lte=F("to_year")),
                name="membership_from_year_le_to_year",
                violation_error_message="Năm bắt đầu phải không sau năm kết thúc.",
            ),
            models.UniqueConstraint(
                fields=["cluster", "province", "from_year"],
                name="membership_unique_start",
                violation_error_message="Tỉnh này đã là thành viên của cụm từ năm đó.",
            ),
        ]

    def __str__(self) -> str:
        until = self.to_year if self.to_year else "nay"
        return f"{self.province.name} trong {self.cluster.slug} ({self.from_year}–{until})"

    def years(self, *, until: int) -> range:
        return range(self.from_year, (self.to_year or until) + 1)

    def clean(self) -> None:
        if self.from_year is None or not self.cluster_id or not self.province_id:
            return
        errors = []
        cluster, province = self.cluster, self.province
        if (
            not cluster.is_active_in(self.from_year)
            or (self.to_year is not None and not cluster.is_active_in(self.to_year))
            or (self.to_year is None and cluster.to_year is not None)
        ):
            errors.append(
                f"Các năm thành viên phải nằm trong thời gian hoạt động của cụm "
                f"({cluster.from_year}–{cluster.to_year or 'nay'})."
            )
        last_day = year_end(self.to_year) if self.to_year else None
        if (
            not province.is_valid_in(self.from_year)
            or (last_day is not None and not province.is_valid_on(last_day))
            or (last_day is None and province.valid_to is not None)
        ):
            errors.append(
                f"{province} không có hiệu lực trong suốt các năm {self.from_year}–"
                f"{self.to_year or 'nay'}: mỗi năm tính theo đơn vị có hiệu lực ngày 31/12."
            )
        overlapping = (
            ClusterMembership.objects.filter(province=province)
            .exclude(pk=self.pk)
            .filter(Q(to_year__isnull=True) | Q(to_year__gte=self.from_year))
        )
        if self.to_year is not None:
            overlapping = overlapping.filter(from_year__lte=self.to_year)
        other = overlapping.select_related("cluster").first()
        if other:
            errors.append(
                f"{province.name} đã là thành viên của {other.cluster.name} trong các năm "
                f"{other.from_year}–{other.to_year or 'nay'}: mỗi năm một tỉnh chỉ thuộc một cụm."
            )
        if errors:
            raise ValidationError(errors)


class StaffProfile(models.Model):
    """Ties a user to the alliance they work for: a provincial alliance, or the national
    alliance (Liên minh HTX Việt Nam), which reads every cluster's approved records and
    writes no province's data. Roles are derived from it, not stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("Liên minh HTX tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    national = models.BooleanField(
        _("cán bộ Liên minh HTX Việt Nam"),
        default=False,
        help_text=_(
            "Đọc số liệu đã duyệt của mọi cụm, không ghi số liệu của tỉnh nào. "
            "Cán bộ Liên minh HTX Việt Nam không thuộc tỉnh nào."
        ),
    )

    class Meta:
        verbose_name = _("cán bộ Liên minh HTX")
        verbose_name_plural = _("cán bộ Liên minh HTX")
        constraints = [
            models.CheckConstraint(
                condition=Q(national=True, province__isnull=True)
                | Q(national=False, province__isnull=False),
                name="staff_profile_national_or_province",
                violation_error_message=(
                    "Cán bộ Liên minh HTX Việt Nam không thuộc tỉnh nào; "
                    "cán bộ Liên minh HTX tỉnh phải có tỉnh."
                ),
            ),
        ]

    def __str__(self) -> str:
        alliance = NATIONAL_ALLIANCE if self.national else self.province.alliance_name
        return f"{self.user.get_username()} — {alliance}"


NATIONAL_ALLIANCE = "Liên minh HTX Việt Nam"


class ClusterTerm(models.Model):
    """The head (cụm trưởng) and vice-head (cụm phó) of a cluster for one year.

    The chair's rights follow from this row: whoever staffs the head alliance of year Y
    chairs year Y. Both alliances must be members of the cluster that year; the migration
    adds database triggers for that, as the rule spans two tables.
    """

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="terms"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    head = models.ForeignKey(
        Province, verbose_name=_("cụm trưởng"), on_delete=models.PROTECT, related_name="head_terms"
    )
    vice = models.ForeignKey(
        Province,
        verbose_name=_("cụm phó"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vice_terms",
    )

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)
    # The model moved here from `emulation` (the organisation owns who heads a cluster);
    # its tables kept their names so no row had to move.
    history = HistoricalRecords(
        verbose_name=_("lịch sử nhiệm kỳ"), table_name="emulation_historicalclusterterm"
    )
    objects = TermQuerySet.as_manager()

    class Meta:
        db_table = "emulation_clusterterm"
        verbose_name = _("cụm trưởng, cụm phó theo năm")
        verbose_name_plural = _("cụm trưởng, cụm phó theo năm")
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="term_one_per_cluster_year",
                violation_error_message="Cụm này đã có cụm trưởng, cụm phó cho năm đó.",
            ),
            models.CheckConstraint(
                condition=Q(vice__isnull=True) | ~Q(head=F("vice")),
                name="term_head_is_not_vice",
                violation_error_message=(
                    "Cụm trưởng và cụm phó phải là hai Liên minh HTX khác nhau."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.slug} {self.year}: {self.head.name}"

    def clean(self) -> None:
        if not self.cluster_id or self.year is None:
            return
        members = set(
            ClusterMembership.objects.in_year(self.year)
            .filter(cluster_id=self.cluster_id)
            .values_list("province_id", flat=True)
        )
        errors = {}
        for field in ("head", "vice"):
            province_id = getattr(self, f"{field}_id")
            if province_id is not None and province_id not in members:
                label = self._meta.get_field(field).verbose_name
                errors[field] = (
                    f"{getattr(self, field)} không phải thành viên của {self.cluster.name} "
                    f"năm {self.year}, nên không thể làm {label}."
                )
        if errors:
            raise ValidationError(errors)
