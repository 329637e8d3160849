"""Emulation scoring (scoring.md): the agreement of a cluster-year with its criteria tree
and per-member targets, each member's sheet of scores (self, cluster, settled, final) and
the evidence files attached to a score.

Rules that read several rows (tree totals, bands, ranking) live in `rules.py`; writes in
`services.py`.
"""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.organisation.models import YEAR_VALIDATORS, Cluster, Province


class CriterionKind(models.TextChoices):
    GROUP = "group", _("Nhóm tiêu chí")
    JUDGED = "judged", _("Chấm theo đánh giá")
    TARGET = "target", _("Theo chỉ tiêu giao")
    BAND = "band", _("Theo mức (khung điểm)")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


COMPUTED_KINDS = (CriterionKind.TARGET, CriterionKind.BAND)
ENTERED_KINDS = (CriterionKind.JUDGED, CriterionKind.BONUS, CriterionKind.PENALTY)


TIE_BREAKS = {"group1": "điểm nhóm I", "bonus": "điểm thưởng", "vote": "số phiếu suy tôn"}


def tie_breaks_validator(value: str) -> None:
    keys = [key.strip() for key in (value or "").split(",") if key.strip()]
    unknown = [key for key in keys if key not in TIE_BREAKS]
    if unknown or len(set(keys)) != len(keys):
        raise ValidationError(
            f"“{value}” không hợp lệ: dùng các khóa {', '.join(TIE_BREAKS)}, mỗi khóa một lần, "
            "cách nhau bởi dấu phẩy."
        )


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SIGNED = "signed", _("Đã ký giao ước")


class ScoringAgreement(models.Model):
    """The emulation agreement (giao ước thi đua) of a cluster for one year: the scoring
    sheet the members signed, and later the scoring meeting that settled the result."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="scoring_agreements"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    total_points = models.DecimalField(
        _("tổng điểm tối đa (không kể điểm thưởng)"),
        max_digits=6,
        decimal_places=1,
        default=Decimal(100),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
    )
    signed_on = models.DateField(_("ngày ký giao ước"), null=True, blank=True)
    tie_breaks = models.CharField(
        _("thứ tự xét khi bằng điểm"),
        max_length=60,
        default="group1,bonus,vote",
        validators=[tie_breaks_validator],
        help_text=_(
            "Các khóa cách nhau bởi dấu phẩy: group1 (điểm nhóm I), bonus (điểm "
            "thưởng), vote (số phiếu suy tôn tại hội nghị)."
        ),
    )
    meeting_date = models.DateField(_("ngày họp bình xét"), null=True, blank=True)
    meeting_present = models.PositiveSmallIntegerField(
        _("số đại biểu có mặt"), null=True, blank=True
    )
    meeting_voting_method = models.CharField(_("hình thức suy tôn"), max_length=8, blank=True)
    meeting_ballots_issued = models.PositiveSmallIntegerField(
        _("số phiếu phát ra"), null=True, blank=True
    )
    meeting_ballots_returned = models.PositiveSmallIntegerField(
        _("số phiếu thu về"), null=True, blank=True
    )
    meeting_ballots_valid = models.PositiveSmallIntegerField(
        _("số phiếu hợp lệ"), null=True, blank=True
    )
    meeting_notes = models.TextField(_("ghi chú biên bản"), blank=True)
    locked = models.BooleanField(_("đã khóa kết quả"), default=False)
    reopen_reason = models.TextField(_("lý do mở lại"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    history = HistoricalRecords(verbose_name=_("lịch sử giao ước thi đua"))

    class Meta:
        verbose_name = _("giao ước thi đua (bảng chấm điểm)")
        verbose_name_plural = _("giao ước thi đua (bảng chấm điểm)")
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="scoring_agreement_one_per_cluster_year",
                violation_error_message="Cụm đã có giao ước thi đua của năm này.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="scoring_agreement_status"
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.SIGNED) | Q(signed_on__isnull=False),
                name="scoring_agreement_signed_has_date",
                violation_error_message="Giao ước đã ký phải có ngày ký.",
            ),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(meeting_date__isnull=False),
                name="scoring_agreement_locked_after_meeting",
                violation_error_message="Chỉ khóa kết quả khi đã ghi cuộc họp bình xét.",
            ),
            models.CheckConstraint(
                condition=Q(total_points__gt=0),
                name="scoring_agreement_total_positive",
                violation_error_message="Tổng điểm tối đa phải lớn hơn 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"Giao ước thi đua {self.year} — {self.cluster.name}"

    @property
    def is_signed(self) -> bool:
        return self.status == AgreementStatus.SIGNED

    @property
    def result_recorded(self) -> bool:
        """The scoring meeting is recorded: others' scores become readable."""
        return self.meeting_date is not None

    @property
    def tie_break_keys(self) -> list[str]:
        return [key.strip() for key in self.tie_breaks.split(",") if key.strip()]


class Criterion(models.Model):
    """One line of the scoring sheet: a group (I, II…) or a leaf with its maximum.

    `bands` is a list of [minimum, points] pairs, highest minimum first; a minimum of
    null means "otherwise". For a target criterion the bands apply to the attainment in
    % (value ÷ the member's target); for a band criterion to the value itself, or to
    `indicator` ÷ `denominator` in % when a denominator is named.
    """

    agreement = models.ForeignKey(
        ScoringAgreement,
        verbose_name=_("giao ước"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc nhóm"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("số thứ tự"), max_length=12)
    title = models.CharField(_("nội dung tiêu chí"), max_length=500)
    kind = models.CharField(_("loại"), max_length=10, choices=CriterionKind.choices)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=1)
    indicator = models.CharField(_("chỉ tiêu số liệu"), max_length=40, blank=True)
    denominator = models.CharField(_("mẫu số (tỷ lệ)"), max_length=40, blank=True)
    bands = models.JSONField(_("khung điểm"), default=list, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    history = HistoricalRecords(verbose_name=_("lịch sử tiêu chí"))

    class Meta:
        verbose_name = _("tiêu chí chấm điểm")
        verbose_name_plural = _("tiêu chí chấm điểm")
        ordering = ["agreement", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CriterionKind.values), name="criterion_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="criterion_max_not_negative",
                violation_error_message="Điểm tối đa không được âm.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_group(self) -> bool:
        return self.kind == CriterionKind.GROUP

    @property
    def is_computed(self) -> bool:
        return self.kind in COMPUTED_KINDS


class Target(models.Model):
    """The number a member undertook to reach on a target criterion (chỉ tiêu giao)."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.CASCADE, related_name="targets"
    )
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("chỉ tiêu"), max_digits=14, decimal_places=2)

    history = HistoricalRecords(verbose_name=_("lịch sử chỉ tiêu"))

    class Meta:
        verbose_name = _("chỉ tiêu giao")
        verbose_name_plural = _("chỉ tiêu giao")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "province"],
                name="target_one_per_member",
                violation_error_message="Tỉnh đã có chỉ tiêu cho tiêu chí này.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_not_negative",
                violation_error_message="Chỉ tiêu không được âm.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.number} — {self.province.name}: {self.value}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")


class ScoreSheet(models.Model):
    """One member's sheet in a cluster-year: its scores, its state, the meeting's vote."""

    agreement = models.ForeignKey(
        ScoringAgreement,
        verbose_name=_("giao ước"),
        on_delete=models.CASCADE,
        related_name="sheets",
    )
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    cross_checked_at = models.DateTimeField(_("thời điểm chấm chéo"), null=True, blank=True)
    meeting_votes = models.PositiveSmallIntegerField(
        _("số phiếu suy tôn tại hội nghị"), null=True, blank=True
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("lịch sử bảng tự chấm"))

    class Meta:
        verbose_name = _("bảng chấm điểm của tỉnh")
        verbose_name_plural = _("bảng chấm điểm của tỉnh")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "province"],
                name="score_sheet_one_per_member",
                violation_error_message="Tỉnh đã có bảng chấm điểm trong giao ước này.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SheetStatus.values), name="score_sheet_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Bảng chấm điểm {self.agreement.year} — {self.province.name}"

    @property
    def is_submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


class Response(models.TextChoices):
    NONE = "", _("Chưa có ý kiến")
    AGREE = "agree", _("Đồng ý")
    CONTEST = "contest", _("Không đồng ý")


def _points(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=6, decimal_places=1, null=True, blank=True)


class Score(models.Model):
    """A member's score on one leaf criterion, through every step: the self-score (for a
    computed criterion an override of the computed value, with its reason), the cluster's
    score with the reason for a difference, the member's answer, the chair's settlement,
    and the final points frozen when the meeting is recorded. Points of a penalty are
    entered as a positive number and subtracted."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("bảng chấm"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.CASCADE, related_name="scores"
    )
    self_points = _points(_("điểm tự chấm"))
    justification = models.TextField(_("giải trình"), blank=True)
    cluster_points = _points(_("điểm Cụm chấm"))
    cluster_reason = models.TextField(_("lý do chênh lệch"), blank=True)
    response = models.CharField(
        _("ý kiến của tỉnh"), max_length=8, choices=Response.choices, blank=True, default=""
    )
    response_comment = models.TextField(_("ý kiến giải trình của tỉnh"), blank=True)
    settled_points = _points(_("điểm Cụm trưởng kết luận"))
    settle_note = models.TextField(_("kết luận"), blank=True)
    final_points = _points(_("điểm chính thức"))

    history = HistoricalRecords(verbose_name=_("lịch sử điểm"))

    class Meta:
        verbose_name = _("điểm theo tiêu chí")
        verbose_name_plural = _("điểm theo tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"],
                name="score_one_per_criterion",
                violation_error_message="Tiêu chí đã có điểm trong bảng này.",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                    name=f"score_{name}_not_negative",
                    violation_error_message="Điểm không được âm.",
                )
                for name in ("self_points", "cluster_points", "settled_points", "final_points")
            ],
            models.CheckConstraint(
                condition=Q(response__in=Response.values), name="score_response_valid"
            ),
            models.CheckConstraint(
                condition=Q(cluster_points__isnull=True)
                | Q(self_points__isnull=True)
                | Q(cluster_points=F("self_points"))
                | ~Q(cluster_reason=""),
                name="score_difference_has_reason",
                violation_error_message="Điểm Cụm chấm khác điểm tự chấm: phải ghi lý do.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} — {self.criterion.number}"


EVIDENCE_EXTENSIONS = (
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
)
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def evidence_path(instance: "EvidenceFile", filename: str) -> str:
    """A random name: the stored path says nothing about the province or the file."""
    suffix = PurePath(filename).suffix.lower()
    return f"scoring/evidence/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """A document, decision or photo attached to one score; served only through the
    portal to those who may read the sheet."""

    score = models.ForeignKey(
        Score, verbose_name=_("điểm"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("kiểu tệp"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
