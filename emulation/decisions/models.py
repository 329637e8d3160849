"""The alliance's decisions (Quyết định khen thưởng): one per award and decision number,
with the awardees taken from the nominations the review accepted. Recording one grants
those nominations and enters each award in the award-history register, in one
transaction (`services.decision_record`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emulation.nominations.models import AwardType, Nomination
from provinces.organisation.models import YEAR_VALIDATORS

ISSUER = "Liên minh HTX Việt Nam"


class AwardDecision(models.Model):
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("hình thức khen thưởng"), on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("năm thành tích"), validators=YEAR_VALIDATORS)
    number = models.CharField(
        _("số quyết định"), max_length=100, help_text=_("Ví dụ: 125/QĐ-LMHTXVN.")
    )
    date = models.DateField(_("ngày quyết định"))
    signer_name = models.CharField(_("họ và tên người ký"), max_length=120)
    signer_title = models.CharField(
        _("chức vụ người ký"),
        max_length=120,
        default="Chủ tịch",
        help_text=_("Ví dụ: Chủ tịch; Phó Chủ tịch (ký thay Chủ tịch)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords(verbose_name=_("lịch sử quyết định khen thưởng"))

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-year", "award_type__order", "date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "date"],
                name="award_decision_number_once",
                violation_error_message=_("Quyết định số này, ngày này đã được ghi."),
            ),
            models.CheckConstraint(
                condition=~Q(number="") & ~Q(signer_name="") & ~Q(signer_title=""),
                name="award_decision_named",
                violation_error_message=_("Ghi đủ số quyết định, người ký và chức vụ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"


class DecisionAwardee(models.Model):
    """A nomination the decision grants: each nomination in one decision at most."""

    decision = models.ForeignKey(
        AwardDecision,
        verbose_name=_("quyết định"),
        on_delete=models.CASCADE,
        related_name="awardees",
    )
    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("đề nghị khen thưởng"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tập thể, cá nhân được khen")
        verbose_name_plural = _("tập thể, cá nhân được khen")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.nomination_id}"
