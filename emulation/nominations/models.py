from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emulation.nominees.models import Household, OtherUnit, Person
from provinces.disbursements.models import Cooperative
from provinces.organisation.models import YEAR_VALIDATORS, Cluster, ClusterMembership, Province
from provinces.organisation.selectors import counts_as


class AwardType(models.Model):
    """An award the cluster can nominate for; admins can add types."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên hình thức khen thưởng"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)  # admin edits

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AwardQuota(models.Model):
    """How many nominees of a type the conference may endorse in a cluster-year."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    award_type = models.ForeignKey(AwardType, verbose_name=_("hình thức"), on_delete=models.CASCADE)
    quota = models.PositiveSmallIntegerField(_("số lượng tối đa"))
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)  # admin edits

    class Meta:
        verbose_name = _("chỉ tiêu khen thưởng")
        verbose_name_plural = _("chỉ tiêu khen thưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "award_type"],
                name="quota_one_per_type",
                violation_error_message=_("Đã có chỉ tiêu cho hình thức này trong năm."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_type} {self.year}: {self.quota}"


class VotingMethod(models.TextChoices):
    SECRET = "secret", _("Bỏ phiếu kín")
    HANDS = "hands", _("Biểu quyết giơ tay")


class ThresholdBase(models.TextChoices):
    MEMBERS = "members", _("Tổng số thành viên của Cụm")
    PRESENT = "present", _("Số thành viên có mặt")


class Comparison(models.TextChoices):
    MORE = "gt", _("Trên (>)")
    AT_LEAST = "gte", _("Từ (≥)")


class VoteRule(models.Model):
    """The nomination rules of a cluster-year (rules.py applies them): the quorum, the
    threshold (its base, its comparison, its percent), the voting method, and whether each
    member unit has one vote. A cluster-year without a row takes the defaults, which come
    from practice (../shared/scoring.md, "What the law and practice fix", Votes): a secret
    ballot (bỏ phiếu kín), the threshold counted on all members as national councils count
    it, more than half; one vote per member unit. The quorum is the cluster's own rule;
    the default, two thirds of the members, is the usual quorum of a council's meeting.
    Edited by the chair of the year (and admins) with its history."""

    # The settings the chair edits (the rules page) and the API shows, in this order.
    SETTINGS = (
        "quorum_percent",
        "threshold_base",
        "threshold_comparison",
        "threshold_percent",
        "voting_method",
        "one_vote_per_member",
    )

    cluster = models.ForeignKey(Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    quorum_percent = models.PositiveSmallIntegerField(
        _("số có mặt tối thiểu (% tổng số thành viên)"),
        default=67,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Hội nghị chỉ biểu quyết khi số thành viên có mặt đạt tỷ lệ này trở lên."),
    )
    threshold_base = models.CharField(
        _("tỷ lệ tính trên"),
        max_length=8,
        choices=ThresholdBase.choices,
        default=ThresholdBase.MEMBERS,
    )
    threshold_comparison = models.CharField(
        _("so sánh"), max_length=4, choices=Comparison.choices, default=Comparison.MORE
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("ngưỡng (%)"), default=50, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    voting_method = models.CharField(
        _("hình thức biểu quyết"),
        max_length=8,
        choices=VotingMethod.choices,
        default=VotingMethod.SECRET,
    )
    one_vote_per_member = models.BooleanField(
        _("mỗi thành viên một phiếu"),
        default=True,
        help_text=_("Số có mặt không vượt quá số thành viên của Cụm trong năm."),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords(verbose_name=_("lịch sử quy định bình xét"))

    class Meta:
        verbose_name = _("quy định bình xét, biểu quyết")
        verbose_name_plural = _("quy định bình xét, biểu quyết")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="vote_rule_one_per_cluster_year",
                violation_error_message=_("Cụm đã có quy định biểu quyết cho năm này."),
            ),
            models.CheckConstraint(
                condition=~Q(threshold_comparison="gt") | Q(threshold_percent__lt=100),
                name="vote_rule_threshold_reachable",
                violation_error_message=_(
                    "Ngưỡng “trên 100 phần trăm” không bao giờ đạt: chọn “từ”."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.slug} {self.year}"


class MeetingRank(models.Model):
    """A member's rank as the scoring meeting agreed it (written when the meeting is
    recorded, cleared when the result is reopened): what the nomination rules read to ask
    for a reason when a nominee ranks below members not proposed."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    province = models.ForeignKey(
        Province, verbose_name=_("thành viên"), on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("xếp hạng"))

    class Meta:
        verbose_name = _("xếp hạng tại cuộc họp bình xét")
        verbose_name_plural = _("xếp hạng tại cuộc họp bình xét")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "province"], name="meeting_rank_one_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.year}: {self.province_id} #{self.rank}"


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    ENDORSED = "endorsed", _("Hội nghị thống nhất đề nghị")
    SUBMITTED = "submitted", _("Đã trình Liên minh HTX Việt Nam")
    GRANTED = "granted", _("Được khen thưởng")
    NOT_GRANTED = "not_granted", _("Không được khen thưởng")


# The nominee's kinds, each a foreign key named "nominee_<kind>" (exactly one is set);
# the award-history register names its unit by the same kinds (emulation/awards).
NOMINEE_KINDS = ("alliance", "cooperative", "other_unit", "person", "household")
# The kinds that are collectives (tập thể), whose report is the collective form.
COLLECTIVE_KINDS = ("alliance", "cooperative", "other_unit")
# What a list of nominations selects to name its nominees and their provinces.
NOMINEE_RELATED = (
    "nominee_alliance__successor",
    "nominee_cooperative__province__successor",
    "nominee_person__province__successor",
    "nominee_household__province__successor",
    "nominee_other_unit__province__successor",
)


# One achievement, one award (Law 2022): one nomination per nominee and year, whatever the
# award or the cluster, unless the VCA turned it down; refused with these messages.
ONE_AWARD_A_YEAR = {
    "alliance": _("Liên minh HTX này đã được đề nghị khen thưởng trong năm."),
    "cooperative": _("HTX/THT này đã được đề nghị khen thưởng trong năm."),
    "other_unit": _("Đơn vị này đã được đề nghị khen thưởng trong năm."),
    "person": _("Cá nhân này đã được đề nghị khen thưởng trong năm."),
    "household": _("Hộ gia đình này đã được đề nghị khen thưởng trong năm."),
}


def _exactly_one(prefix: str) -> Q:
    """One of the `NOMINEE_KINDS` foreign keys set, the others empty."""
    condition = Q()
    for kind in NOMINEE_KINDS:
        one = Q(**{f"{prefix}{kind}__isnull": False})
        for other in NOMINEE_KINDS:
            if other != kind:
                one &= Q(**{f"{prefix}{other}__isnull": True})
        condition |= one
    return condition


class Nomination(models.Model):
    """A nominee for an award: a member alliance, a cooperative of a member province, or
    another unit (đơn vị khác), an individual or a household a member province proposes."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="nominations"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("hình thức khen thưởng"), on_delete=models.PROTECT
    )
    nominee_alliance = models.ForeignKey(
        Province,
        verbose_name=_("Liên minh HTX tỉnh được đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominee_cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("HTX/THT được đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominee_other_unit = models.ForeignKey(
        OtherUnit,
        verbose_name=_("đơn vị khác được đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominee_person = models.ForeignKey(
        Person,
        verbose_name=_("cá nhân được đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominee_household = models.ForeignKey(
        Household,
        verbose_name=_("hộ gia đình được đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    achievements = models.TextField(_("thành tích"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("số phiếu tán thành"), null=True, blank=True)
    votes_present = models.PositiveSmallIntegerField(
        _("số thành viên có mặt"), null=True, blank=True
    )
    voting_method = models.CharField(
        _("hình thức biểu quyết"), max_length=8, choices=VotingMethod.choices, blank=True
    )
    ballots_issued = models.PositiveSmallIntegerField(_("số phiếu phát ra"), null=True, blank=True)
    ballots_returned = models.PositiveSmallIntegerField(_("số phiếu thu về"), null=True, blank=True)
    ballots_valid = models.PositiveSmallIntegerField(_("số phiếu hợp lệ"), null=True, blank=True)
    rank_reason = models.TextField(
        _("lý do đề nghị khi xếp hạng sau thành viên không được đề nghị"), blank=True
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=NominationStatus.choices,
        default=NominationStatus.PROPOSED,
    )
    decision_number = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    not_granted_reason = models.TextField(_("lý do không được khen"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề xuất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    form_key = models.UUIDField(
        _("khóa biểu mẫu"), null=True, blank=True, unique=True, editable=False
    )  # the create form that made it: a second submission finds this record
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)
    history = HistoricalRecords(verbose_name=_("lịch sử đề nghị khen thưởng"))

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["cluster", "year", "award_type__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("nominee_"),
                name="nomination_exactly_one_nominee",
                violation_error_message=_(
                    "Chọn đúng một đối tượng: Liên minh HTX tỉnh, một HTX/THT, một đơn vị "
                    "khác, một cá nhân hoặc một hộ gia đình."
                ),
            ),
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True)
                | Q(votes_present__isnull=True)
                | Q(votes_for__lte=F("votes_present")),
                name="nomination_votes_for_le_present",
                violation_error_message=_(
                    "Số phiếu tán thành không được lớn hơn số đại biểu có mặt."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=NominationStatus.GRANTED)
                | (Q(decision_date__isnull=False) & ~Q(decision_number="")),
                name="nomination_granted_has_decision",
                violation_error_message=_("Được khen thưởng phải có số và ngày quyết định."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=NominationStatus.values), name="nomination_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=NominationStatus.NOT_GRANTED) | ~Q(not_granted_reason=""),
                name="nomination_not_granted_has_reason",
                violation_error_message=_("Không được khen thưởng phải ghi lý do."),
            ),
            models.CheckConstraint(
                condition=Q(votes_present__isnull=True) | Q(votes_present__gt=0),
                name="nomination_votes_present_positive",
                violation_error_message=_("Số đại biểu có mặt phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=Q(ballots_returned__isnull=True)
                | Q(ballots_issued__isnull=True)
                | Q(ballots_returned__lte=F("ballots_issued")),
                name="nomination_ballots_returned_le_issued",
                violation_error_message=_("Số phiếu thu về không được lớn hơn số phiếu phát ra."),
            ),
            models.CheckConstraint(
                condition=Q(ballots_valid__isnull=True)
                | Q(ballots_returned__isnull=True)
                | Q(ballots_valid__lte=F("ballots_returned")),
                name="nomination_ballots_valid_le_returned",
                violation_error_message=_("Số phiếu hợp lệ không được lớn hơn số phiếu thu về."),
            ),
            *(
                models.UniqueConstraint(
                    fields=["year", f"nominee_{kind}"],
                    condition=Q(**{f"nominee_{kind}__isnull": False}) & ~Q(status="not_granted"),
                    name=f"nomination_{kind}_one_award_a_year",
                    violation_error_message=message,
                )
                for kind, message in ONE_AWARD_A_YEAR.items()
            ),
            models.UniqueConstraint(
                fields=["cluster", "year", "award_type", "nominee_alliance"],
                condition=Q(nominee_alliance__isnull=False),
                name="nomination_alliance_once_per_award",
                violation_error_message=_(
                    "Liên minh HTX này đã được đề nghị hình thức này trong năm."
                ),
            ),
            models.UniqueConstraint(
                fields=["cluster", "year", "award_type", "nominee_cooperative"],
                condition=Q(nominee_cooperative__isnull=False),
                name="nomination_cooperative_once_per_award",
                violation_error_message=_("HTX/THT này đã được đề nghị hình thức này trong năm."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_type}: {self.nominee_name}"

    @property
    def nominee_kind(self) -> str | None:
        """ "alliance", "cooperative", "other_unit", "person" or "household"."""
        return next((k for k in NOMINEE_KINDS if getattr(self, f"nominee_{k}_id")), None)

    @property
    def nominee(self):
        """The nominee itself: a Province, a Cooperative, an OtherUnit, a Person, a Household."""
        kind = self.nominee_kind
        return getattr(self, f"nominee_{kind}") if kind else None

    @property
    def nominee_unit_key(self) -> dict:
        """The nominee as the award-history register names it ({"person": …})."""
        kind = self.nominee_kind
        return {kind: self.nominee} if kind else {}

    @property
    def nominee_name(self) -> str:
        kind, nominee = self.nominee_kind, self.nominee
        if kind == "alliance":
            return nominee.alliance_name
        if kind is None:
            return ""
        name = {"cooperative": "name", "person": "full_name"}.get(kind, "display_name")
        return gettext("%(name)s (tỉnh %(province)s)") % {
            "name": getattr(nominee, name),
            "province": nominee.province.name,
        }

    @property
    def nominee_province(self) -> Province | None:
        if self.nominee_alliance_id:
            return self.nominee_alliance
        nominee = self.nominee
        return None if nominee is None else nominee.province

    def clean(self) -> None:
        if not (self.cluster_id and self.year):
            return
        province = self.nominee_province
        if province is None:
            return
        members = ClusterMembership.objects.in_year(self.year).filter(cluster_id=self.cluster_id)
        # A cooperative recorded under a unit that merged counts for the unit it merged
        # into (`counts_as`, the one home of that rule); an alliance must itself be a
        # member that year.
        candidates = [province.pk]
        if not self.nominee_alliance_id:
            candidates.append(counts_as(province, self.year).pk)
        if not members.filter(province_id__in=candidates).exists():
            field = f"nominee_{self.nominee_kind}"
            raise ValidationError(
                {
                    field: gettext("%(province)s không phải thành viên của cụm năm %(year)s.")
                    % {"province": province.name, "year": self.year}
                }
            )
