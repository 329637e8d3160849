"""The alliance's review (thẩm định) of a cluster's award dossier: one record per
cluster-year, moved through its states by `services.py` with the one versioned save
(cluster_portal.locking) and its history (simple-history: who, when, why).

sent → under review → returned with a reason (the chair may send again) | accepted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.organisation.models import YEAR_VALIDATORS, Cluster


class ReviewState(models.TextChoices):
    SENT = "sent", _("Đã gửi Liên minh HTX Việt Nam")
    UNDER_REVIEW = "under_review", _("Đang thẩm định")
    RETURNED = "returned", _("Trả lại để bổ sung")
    ACCEPTED = "accepted", _("Đã thẩm định, chấp thuận")


class DossierReview(models.Model):
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=ReviewState.choices, default=ReviewState.SENT
    )
    rounds = models.PositiveSmallIntegerField(_("số lần gửi"), default=1)
    note = models.TextField(_("ghi chú khi gửi"), blank=True)
    reason = models.TextField(_("lý do trả lại"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("thời điểm gửi"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thẩm định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("thời điểm thẩm định"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords(verbose_name=_("lịch sử thẩm định hồ sơ"))

    class Meta:
        verbose_name = _("thẩm định hồ sơ khen thưởng")
        verbose_name_plural = _("thẩm định hồ sơ khen thưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="dossier_review_one_per_cluster_year",
                violation_error_message=_("Hồ sơ của Cụm năm này đã được gửi."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReviewState.values), name="dossier_review_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=ReviewState.RETURNED) | ~Q(reason=""),
                name="dossier_review_returned_has_reason",
                violation_error_message=_("Trả lại hồ sơ phải ghi lý do."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.year}: {self.state}"

    @property
    def is_open(self) -> bool:
        """Under the alliance's eyes: sent or under review."""
        return self.state in (ReviewState.SENT, ReviewState.UNDER_REVIEW)
