import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from provinces.models import (
    YEAR_VALIDATORS,
    Cluster,
    ClusterMembership,
    Cooperative,
    Province,
)


class TermQuerySet(models.QuerySet):
    def with_alliances(self) -> "TermQuerySet":
        return self.select_related("cluster", "head", "vice")


class ClusterTerm(models.Model):
    """The head (cụm trưởng) and vice-head (cụm phó) of a cluster for one year.

    The chair's rights follow from this row: whoever staffs the head alliance of year Y
    chairs year Y. Both alliances must be members of the cluster that year; the migration
    adds database triggers for that, as the rule spans two tables.
    """

    cluster = models.ForeignKey(
        Cluster, verbose_name="cụm", on_delete=models.CASCADE, related_name="terms"
    )
    year = models.PositiveSmallIntegerField("năm", validators=YEAR_VALIDATORS)
    head = models.ForeignKey(
        Province, verbose_name="cụm trưởng", on_delete=models.PROTECT, related_name="head_terms"
    )
    vice = models.ForeignKey(
        Province,
        verbose_name="cụm phó",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vice_terms",
    )

    history = HistoricalRecords(verbose_name="lịch sử nhiệm kỳ")
    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = "cụm trưởng, cụm phó theo năm"
        verbose_name_plural = "cụm trưởng, cụm phó theo năm"
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


ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def roman_validator(value: str) -> None:
    if not value or not ROMAN.match(value):
        raise ValidationError(f"“{value}” không phải số La Mã (ví dụ: XII).")


class Conference(models.Model):
    """The cluster's yearly conference (hội nghị giao ban / tổng kết)."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="cụm", on_delete=models.CASCADE, related_name="conferences"
    )
    year = models.PositiveSmallIntegerField("năm", validators=YEAR_VALIDATORS)
    ordinal = models.CharField(
        "lần thứ", max_length=12, validators=[roman_validator], help_text="Số La Mã, ví dụ XII."
    )
    date = models.DateField("ngày họp")
    venue = models.CharField("địa điểm", max_length=255)
    host = models.ForeignKey(
        Province, verbose_name="đơn vị đăng cai", on_delete=models.PROTECT, related_name="+"
    )
    topics = models.TextField("nội dung thảo luận", blank=True)
    agreement_signed = models.BooleanField("đã ký giao ước thi đua năm sau", default=False)

    history = HistoricalRecords(verbose_name="lịch sử hội nghị")

    class Meta:
        verbose_name = "hội nghị của cụm"
        verbose_name_plural = "hội nghị của cụm"
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="conference_one_per_cluster_year",
                violation_error_message="Cụm đã có hội nghị của năm này.",
            )
        ]

    def __str__(self) -> str:
        return f"Hội nghị lần thứ {self.ordinal} ({self.cluster.slug} {self.year})"

    def clean(self) -> None:
        if self.cluster_id and self.year and self.host_id:
            members = ClusterMembership.objects.in_year(self.year).filter(
                cluster_id=self.cluster_id
            )
            if not members.filter(province_id=self.host_id).exists():
                raise ValidationError(
                    {"host": f"{self.host} không phải thành viên của cụm năm {self.year}."}
                )
        if self.date and self.year and self.date.year not in (self.year, self.year + 1):
            raise ValidationError(
                {
                    "date": f"Hội nghị tổng kết năm {self.year} họp trong năm {self.year} "
                    "hoặc đầu năm sau."
                }
            )


class Attendee(models.Model):
    conference = models.ForeignKey(
        Conference, verbose_name="hội nghị", on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField("họ tên", max_length=200)
    title = models.CharField("chức vụ", max_length=300, blank=True)
    organisation = models.CharField("đơn vị", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "đại biểu dự hội nghị"
        verbose_name_plural = "đại biểu dự hội nghị"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    conference = models.ForeignKey(
        Conference,
        verbose_name="hội nghị",
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    text = models.TextField("nội dung kiến nghị")
    addressed_to = models.CharField("kiến nghị với", max_length=300)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "kiến nghị"
        verbose_name_plural = "kiến nghị"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class AwardType(models.Model):
    """An award the cluster can nominate for; admins can add types."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên hình thức khen thưởng", max_length=255)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "hình thức khen thưởng"
        verbose_name_plural = "hình thức khen thưởng"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AwardQuota(models.Model):
    """How many nominees of a type the conference may endorse in a cluster-year."""

    cluster = models.ForeignKey(Cluster, verbose_name="cụm", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("năm", validators=YEAR_VALIDATORS)
    award_type = models.ForeignKey(AwardType, verbose_name="hình thức", on_delete=models.CASCADE)
    quota = models.PositiveSmallIntegerField("số lượng tối đa")

    class Meta:
        verbose_name = "chỉ tiêu khen thưởng"
        verbose_name_plural = "chỉ tiêu khen thưởng"
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "award_type"],
                name="quota_one_per_type",
                violation_error_message="Đã có chỉ tiêu cho hình thức này trong năm.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_type} {self.year}: {self.quota}"


class VoteRule(models.Model):
    """The vote a nominee needs in a cluster-year: more than `threshold_percent` % of those
    present (50 by default: more than half)."""

    cluster = models.ForeignKey(Cluster, verbose_name="cụm", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("năm", validators=YEAR_VALIDATORS)
    threshold_percent = models.PositiveSmallIntegerField(
        "ngưỡng (% số có mặt, phải vượt quá)", default=50, validators=[MaxValueValidator(99)]
    )

    class Meta:
        verbose_name = "quy định biểu quyết"
        verbose_name_plural = "quy định biểu quyết"
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="vote_rule_one_per_cluster_year",
                violation_error_message="Cụm đã có quy định biểu quyết cho năm này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster.slug} {self.year}: > {self.threshold_percent} %"


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề xuất"
    ENDORSED = "endorsed", "Hội nghị thống nhất đề nghị"
    SUBMITTED = "submitted", "Đã trình Liên minh HTX Việt Nam"
    GRANTED = "granted", "Được khen thưởng"
    NOT_GRANTED = "not_granted", "Không được khen thưởng"


class Nomination(models.Model):
    """A nominee for an award: a member alliance, or a cooperative of a member province."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="cụm", on_delete=models.CASCADE, related_name="nominations"
    )
    year = models.PositiveSmallIntegerField("năm", validators=YEAR_VALIDATORS)
    award_type = models.ForeignKey(
        AwardType, verbose_name="hình thức khen thưởng", on_delete=models.PROTECT
    )
    nominee_alliance = models.ForeignKey(
        Province,
        verbose_name="Liên minh HTX tỉnh được đề nghị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominee_cooperative = models.ForeignKey(
        Cooperative,
        verbose_name="HTX/THT được đề nghị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    achievements = models.TextField("thành tích", blank=True)
    votes_for = models.PositiveSmallIntegerField("số phiếu tán thành", null=True, blank=True)
    votes_present = models.PositiveSmallIntegerField("số đại biểu có mặt", null=True, blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=12,
        choices=NominationStatus.choices,
        default=NominationStatus.PROPOSED,
    )
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    not_granted_reason = models.TextField("lý do không được khen", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đề xuất",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name="lịch sử đề nghị khen thưởng")

    class Meta:
        verbose_name = "đề nghị khen thưởng"
        verbose_name_plural = "đề nghị khen thưởng"
        ordering = ["cluster", "year", "award_type__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominee_alliance__isnull=True, nominee_cooperative__isnull=False)
                | Q(nominee_alliance__isnull=False, nominee_cooperative__isnull=True),
                name="nomination_exactly_one_nominee",
                violation_error_message=(
                    "Chọn đúng một đối tượng: Liên minh HTX tỉnh hoặc một HTX/THT."
                ),
            ),
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True)
                | Q(votes_present__isnull=True)
                | Q(votes_for__lte=F("votes_present")),
                name="nomination_votes_for_le_present",
                violation_error_message="Số phiếu tán thành không được lớn hơn số đại biểu có mặt.",
            ),
            models.CheckConstraint(
                condition=~Q(status=NominationStatus.GRANTED)
                | (Q(decision_date__isnull=False) & ~Q(decision_number="")),
                name="nomination_granted_has_decision",
                violation_error_message="Được khen thưởng phải có số và ngày quyết định.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NominationStatus.values), name="nomination_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=NominationStatus.NOT_GRANTED) | ~Q(not_granted_reason=""),
                name="nomination_not_granted_has_reason",
                violation_error_message="Không được khen thưởng phải ghi lý do.",
            ),
            models.CheckConstraint(
                condition=Q(votes_present__isnull=True) | Q(votes_present__gt=0),
                name="nomination_votes_present_positive",
                violation_error_message="Số đại biểu có mặt phải lớn hơn 0.",
            ),
            models.UniqueConstraint(
                fields=["cluster", "year", "award_type", "nominee_alliance"],
                condition=Q(nominee_alliance__isnull=False),
                name="nomination_alliance_once_per_award",
                violation_error_message=(
                    "Liên minh HTX này đã được đề nghị hình thức này trong năm."
                ),
            ),
            models.UniqueConstraint(
                fields=["cluster", "year", "award_type", "nominee_cooperative"],
                condition=Q(nominee_cooperative__isnull=False),
                name="nomination_cooperative_once_per_award",
                violation_error_message="HTX/THT này đã được đề nghị hình thức này trong năm.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_type}: {self.nominee_name}"

    @property
    def nominee_name(self) -> str:
        if self.nominee_alliance_id:
            return self.nominee_alliance.alliance_name
        if self.nominee_cooperative_id:
            return (
                f"{self.nominee_cooperative.name} (tỉnh {self.nominee_cooperative.province.name})"
            )
        return ""

    @property
    def nominee_province(self) -> Province | None:
        if self.nominee_alliance_id:
            return self.nominee_alliance
        if self.nominee_cooperative_id:
            return self.nominee_cooperative.province
        return None

    def clean(self) -> None:
        if not (self.cluster_id and self.year):
            return
        province = self.nominee_province
        if province is None:
            return
        members = ClusterMembership.objects.in_year(self.year).filter(cluster_id=self.cluster_id)
        # A cooperative recorded under a unit that merged counts for its successor; an
        # alliance must itself be a member that year.
        candidates = [province.pk]
        if self.nominee_cooperative_id:
            candidates.append(province.successor_id)
        if not members.filter(province_id__in=candidates).exists():
            field = "nominee_alliance" if self.nominee_alliance_id else "nominee_cooperative"
            raise ValidationError(
                {field: f"{province.name} không phải thành viên của cụm năm {self.year}."}
            )


# Emulation scoring (emulation/scoring/): the agreement, criteria, targets, sheets, scores.
from .scoring.models import (  # noqa: E402
    AgreementStatus,
    Criterion,
    CriterionKind,
    EvidenceFile,
    Score,
    ScoreSheet,
    ScoringAgreement,
    SheetStatus,
    Target,
)

__all__ = [
    "AgreementStatus",
    "Attendee",
    "AwardQuota",
    "AwardType",
    "ClusterTerm",
    "Conference",
    "Criterion",
    "CriterionKind",
    "EvidenceFile",
    "Nomination",
    "NominationStatus",
    "Recommendation",
    "Score",
    "ScoreSheet",
    "ScoringAgreement",
    "SheetStatus",
    "Target",
    "VoteRule",
    "ROMAN",
    "roman_validator",
]
