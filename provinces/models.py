import datetime
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .dates import fmt_date, year_end
from .figures_rules import figures_errors
from .figures_spec import BY_CODE, CODES, COUNT_CODES, MONEY_CODES, PART_OF_WHOLE, PROFIT_LE_REVENUE

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def ascii_slug(name: str) -> str:
    """ "Phú Thọ" -> "phutho": the name without accents, spaces or punctuation."""
    name = name.replace("Đ", "D").replace("đ", "d")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class ProvinceQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "ProvinceQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def valid_in(self, year: int) -> "ProvinceQuerySet":
        return self.valid_on(year_end(year))

    def valid_on_some_day_of(self, year: int) -> "ProvinceQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=year_end(year)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)),
        )

    def resolve(self, code: str, year: int) -> "Province | None":
        """The unit that province code `code` means in `year` (valid on 31 December)."""
        return self.valid_in(year).filter(code=code).first()


class Province(models.Model):
    """A provincial unit and its cooperative alliance, over the period it existed.

    A code identifies a unit only together with a date: 15 is Yên Bái until 30/06/2025
    and the merged Lào Cai from 01/07/2025. Units are never rewritten; a merger closes
    the old units (valid_to) and links them to their successor.
    """

    code = models.CharField(
        "mã tỉnh",
        max_length=2,
        validators=[RegexValidator(r"^\d{2}$", "Mã tỉnh gồm đúng 2 chữ số.")],
    )
    name = models.CharField("tên tỉnh", max_length=100)
    valid_from = models.DateField(
        "hiệu lực từ", null=True, blank=True, help_text="Để trống: trước khi có dữ liệu."
    )
    valid_to = models.DateField(
        "hiệu lực đến", null=True, blank=True, help_text="Để trống: vẫn còn hiệu lực."
    )
    successor = models.ForeignKey(
        "self",
        verbose_name="đơn vị kế thừa",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)

    history = HistoricalRecords(verbose_name="lịch sử tỉnh")
    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = "tỉnh (Liên minh HTX tỉnh)"
        verbose_name_plural = "tỉnh (Liên minh HTX tỉnh)"
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
            return f"{self.name} ({self.code}, đến {fmt_date(self.valid_to)})"
        if self.valid_from:
            return f"{self.name} ({self.code}, từ {fmt_date(self.valid_from)})"
        return f"{self.name} ({self.code})"

    @property
    def alliance_name(self) -> str:
        return f"Liên minh HTX tỉnh {self.name}"

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

    slug = models.SlugField("mã cụm", max_length=60, unique=True)
    name = models.CharField("tên cụm", max_length=200)
    from_year = models.PositiveSmallIntegerField("từ năm", validators=YEAR_VALIDATORS)
    to_year = models.PositiveSmallIntegerField(
        "đến năm",
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text="Để trống: vẫn hoạt động.",
    )

    history = HistoricalRecords(verbose_name="lịch sử cụm")

    class Meta:
        verbose_name = "cụm thi đua"
        verbose_name_plural = "cụm thi đua"
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


class MembershipQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "MembershipQuerySet":
        return self.filter(Q(to_year__isnull=True) | Q(to_year__gte=year), from_year__lte=year)


class ClusterMembership(models.Model):
    """A province's membership of a cluster over a range of years."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="cụm", on_delete=models.CASCADE, related_name="memberships"
    )
    province = models.ForeignKey(
        Province, verbose_name="tỉnh", on_delete=models.PROTECT, related_name="memberships"
    )
    from_year = models.PositiveSmallIntegerField("từ năm", validators=YEAR_VALIDATORS)
    to_year = models.PositiveSmallIntegerField(
        "đến năm",
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text="Để trống: vẫn là thành viên.",
    )
    rotation_order = models.PositiveSmallIntegerField(
        "thứ tự luân phiên",
        null=True,
        blank=True,
        help_text="Thứ tự nhận cờ luân lưu; để trống: theo tên tỉnh.",
    )

    history = HistoricalRecords(verbose_name="lịch sử thành viên cụm")
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "thành viên cụm"
        verbose_name_plural = "thành viên cụm"
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
    """Ties a user to the alliance they work for. Roles are derived from it, not stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    province = models.ForeignKey(
        Province, verbose_name="Liên minh HTX tỉnh", on_delete=models.PROTECT, related_name="staff"
    )

    class Meta:
        verbose_name = "cán bộ Liên minh HTX tỉnh"
        verbose_name_plural = "cán bộ Liên minh HTX tỉnh"

    def __str__(self) -> str:
        return f"{self.user.get_username()} — {self.province.alliance_name}"


class FiguresStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã nộp"
    RETURNED = "returned", "Trả lại để sửa"
    APPROVED = "approved", "Đã duyệt"


class FiguresQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "FiguresQuerySet":
        return self.filter(year=year).select_related("province")


def _count(label: str) -> models.IntegerField:
    return models.IntegerField(label, default=0)


def _money(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=Decimal(0))


class YearlyFigures(models.Model):
    """One province's figures for one year (the data dictionary of design.md).

    Counts are whole numbers; money is Decimal in million VND. The rules live in
    `figures_rules` (model validation, used by forms, imports and the admin) and, where a
    single row can express them, in the database constraints below as well.
    """

    province = models.ForeignKey(
        Province, verbose_name="tỉnh", on_delete=models.PROTECT, related_name="figures"
    )
    year = models.PositiveSmallIntegerField("năm", validators=YEAR_VALIDATORS)

    tht_new = _count("Số THT thành lập mới trong năm")
    tht_total = _count("Tổng số THT (cuối năm)")
    tht_members = _count("Số thành viên THT")
    tht_agri = _count("Số THT hoạt động trong lĩnh vực nông nghiệp")
    tht_avg_revenue = _money("Doanh thu bình quân của THT")
    tht_avg_profit = _money("Lợi nhuận bình quân của THT")
    htx_new = _count("Số HTX thành lập mới trong năm")
    htx_total = _count("Tổng số HTX (cuối năm)")
    htx_members = _count("Số thành viên HTX")
    htx_avg_revenue = _money("Doanh thu bình quân của HTX")
    htx_avg_profit = _money("Lợi nhuận bình quân của HTX")
    htx_workers = _count("Số lao động thường xuyên trong HTX")
    htx_avg_income = _money("Thu nhập bình quân của lao động")
    bulletins = _count("Số bản tin Kinh tế tập thể phát hành")
    tv_reports = _count("Số phóng sự truyền hình")
    press_articles = _count("Số bài báo đăng trên báo, đài của tỉnh")
    online_posts = _count("Số tin, bài trên trang thông tin điện tử, mạng xã hội")
    training_courses = _count("Số khóa đào tạo, tập huấn")
    training_participants = _count("Số lượt người tham gia")

    status = models.CharField(
        "trạng thái", max_length=10, choices=FiguresStatus.choices, default=FiguresStatus.DRAFT
    )
    status_reason = models.TextField("lý do trả lại / mở khóa", blank=True)
    warnings_explanation = models.TextField("giải trình cảnh báo", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nộp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("thời điểm nộp", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người duyệt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("thời điểm duyệt", null=True, blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    history = HistoricalRecords(verbose_name="lịch sử số liệu")
    objects = FiguresQuerySet.as_manager()

    class Meta:
        verbose_name = "số liệu năm của tỉnh"
        verbose_name_plural = "số liệu năm của tỉnh"
        ordering = ["-year", "province__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="figures_one_per_province_year",
                violation_error_message=(
                    "Tỉnh này đã có số liệu của năm đó (mỗi tỉnh một bản ghi mỗi năm)."
                ),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{code}__gte": 0}),
                    name=f"figures_{code}_not_negative",
                    violation_error_message=f"{BY_CODE[code].label} không được âm.",
                )
                for code in COUNT_CODES + MONEY_CODES
                if not BY_CODE[code].may_be_negative
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{part}__lte": F(whole)}),
                    name=f"figures_{part}_le_{whole}",
                    violation_error_message=(
                        f"{BY_CODE[part].label} không được lớn hơn "
                        f"{BY_CODE[whole].label_in_sentence}."
                    ),
                )
                for part, whole in PART_OF_WHOLE + PROFIT_LE_REVENUE
            ],
            models.CheckConstraint(
                condition=Q(status__in=FiguresStatus.values),
                name="figures_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Số liệu {self.year} — {self.province.name}"

    def get_absolute_url(self) -> str:
        return reverse("figures:detail", args=[self.year, self.province.code])

    @property
    def is_submitted(self) -> bool:
        return self.status == FiguresStatus.SUBMITTED

    @property
    def is_locked(self) -> bool:
        return self.status == FiguresStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (FiguresStatus.DRAFT, FiguresStatus.RETURNED)

    def values(self) -> dict:
        return {code: getattr(self, code) for code in CODES}

    def clean(self) -> None:
        errors = figures_errors(
            self.values(),
            province=self.province if self.province_id else None,
            year=self.year,
            today=timezone.localdate(),
        )
        if errors:
            raise ValidationError(errors)


def directory_key(name: str) -> str:
    """How the directory matches names: case, accents and spacing do not count, so
    "HTX Nông nghiệp Bản Lướt" and "htx  nong nghiep ban luot" are one entity."""
    folded = name.replace("Đ", "D").replace("đ", "d")
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


class BorrowerKind(models.TextChoices):
    HTX = "HTX", "Hợp tác xã (HTX)"
    THT = "THT", "Tổ hợp tác (THT)"


class CooperativeQuerySet(models.QuerySet):
    def matching(self, name: str) -> "CooperativeQuerySet":
        return self.filter(name_key=directory_key(name))


class Cooperative(models.Model):
    """A cooperative (HTX) or cooperative group (THT) of a province: the directory that
    loans and award nominations point at."""

    name = models.CharField("tên", max_length=255)
    name_key = models.CharField("khóa tra cứu", max_length=255, editable=False, db_index=True)
    province = models.ForeignKey(
        Province, verbose_name="tỉnh", on_delete=models.PROTECT, related_name="cooperatives"
    )
    kind = models.CharField("loại hình", max_length=3, choices=BorrowerKind.choices)
    registration_number = models.CharField("số đăng ký", max_length=50, blank=True)
    is_active = models.BooleanField("còn hoạt động", default=True)

    history = HistoricalRecords(verbose_name="lịch sử danh bạ")
    objects = CooperativeQuerySet.as_manager()

    class Meta:
        verbose_name = "HTX, THT (danh bạ)"
        verbose_name_plural = "HTX, THT (danh bạ)"
        ordering = ["province__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name_key"],
                name="cooperative_one_name_per_province",
                violation_error_message="Danh bạ của tỉnh đã có HTX/THT trùng tên này.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BorrowerKind.values), name="cooperative_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.province.name})"

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        self.name_key = directory_key(self.name)


class Fund(models.TextChoices):
    HTX_DEV = "htx_dev", "Quỹ hỗ trợ phát triển HTX"
    OTHER = "other", "Quỹ khác"


class DisbursementQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "DisbursementQuerySet":
        return self.filter(date__year=year)


class Disbursement(models.Model):
    """One loan from a fund an alliance manages (one "lượt dự án")."""

    province = models.ForeignKey(
        Province, verbose_name="tỉnh", on_delete=models.PROTECT, related_name="disbursements"
    )
    fund = models.CharField("quỹ", max_length=10, choices=Fund.choices)
    date = models.DateField("ngày giải ngân")
    borrower = models.ForeignKey(
        Cooperative, verbose_name="đơn vị vay", on_delete=models.PROTECT, related_name="loans"
    )
    amount = models.DecimalField("số tiền (triệu đồng)", max_digits=14, decimal_places=2)
    purpose = models.CharField("mục đích vay", max_length=500, blank=True)
    term_months = models.PositiveSmallIntegerField("thời hạn (tháng)", null=True, blank=True)

    history = HistoricalRecords(verbose_name="lịch sử giải ngân")
    objects = DisbursementQuerySet.as_manager()

    class Meta:
        verbose_name = "khoản giải ngân"
        verbose_name_plural = "sổ giải ngân"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["province", "date"], name="disbursement_province_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="disbursement_amount_positive",
                violation_error_message="Số tiền giải ngân phải lớn hơn 0.",
            ),
            models.CheckConstraint(
                condition=Q(fund__in=Fund.values), name="disbursement_fund_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{fmt_date(self.date)} {self.borrower.name}: {self.amount} triệu đồng"

    def clean(self) -> None:
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = f"Ngày giải ngân {fmt_date(self.date)} chưa đến."
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = "Số tiền giải ngân phải lớn hơn 0."
        if self.province_id and self.date:
            if not self.province.is_valid_on(self.date):
                errors["province"] = (
                    f"{self.province} không có hiệu lực vào ngày {fmt_date(self.date)}: khoản vay "
                    "thuộc về đơn vị có hiệu lực vào ngày giải ngân."
                )
            elif not self._in_a_cluster():
                errors["province"] = (
                    f"{self.province.name} không là thành viên cụm thi đua nào "
                    f"năm {self.date.year}."
                )
        if self.borrower_id and self.province_id:
            home = self.borrower.province
            if self.province_id not in (home.pk, home.successor_id):
                errors["borrower"] = (
                    f"{self.borrower.name} không thuộc danh bạ của {self.province.name}."
                )
        if errors:
            raise ValidationError(errors)

    def _in_a_cluster(self) -> bool:
        """Whether the loan's unit (or, for a unit that merged during the year, its
        successor) is a member of a cluster in the loan's year. An importer checking
        thousands of loans sets `preloaded_members` (the year's member ids, read once) so
        that this rule costs no query per loan."""
        units = {self.province_id, self.province.successor_id} - {None}
        preloaded = getattr(self, "preloaded_members", None)
        if preloaded is not None:
            return bool(units & preloaded)
        return ClusterMembership.objects.in_year(self.date.year).filter(province__in=units).exists()
