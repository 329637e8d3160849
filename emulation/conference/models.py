import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.organisation.models import YEAR_VALIDATORS, Cluster, ClusterMembership, Province

ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def roman_validator(value: str) -> None:
    if not value or not ROMAN.match(value):
        raise ValidationError(
            gettext("“%(value)s” không phải số La Mã (ví dụ: XII).") % {"value": value}
        )


class Conference(models.Model):
    """The cluster's yearly conference (hội nghị giao ban / tổng kết)."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="conferences"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    ordinal = models.CharField(
        _("lần thứ"),
        max_length=12,
        validators=[roman_validator],
        help_text=_("Số La Mã, ví dụ XII."),
    )
    date = models.DateField(_("ngày họp"))
    venue = models.CharField(_("địa điểm"), max_length=255)
    host = models.ForeignKey(
        Province, verbose_name=_("đơn vị đăng cai"), on_delete=models.PROTECT, related_name="+"
    )
    topics = models.TextField(_("nội dung thảo luận"), blank=True)
    agreement_signed = models.BooleanField(_("đã ký giao ước thi đua năm sau"), default=False)

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords(verbose_name=_("lịch sử hội nghị"))

    class Meta:
        verbose_name = _("hội nghị của cụm")
        verbose_name_plural = _("hội nghị của cụm")
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
        Conference, verbose_name=_("hội nghị"), on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(_("họ tên"), max_length=200)
    title = models.CharField(_("chức vụ"), max_length=300, blank=True)
    organisation = models.CharField(_("đơn vị"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("đại biểu dự hội nghị")
        verbose_name_plural = _("đại biểu dự hội nghị")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    conference = models.ForeignKey(
        Conference,
        verbose_name=_("hội nghị"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    text = models.TextField(_("nội dung kiến nghị"))
    addressed_to = models.CharField(_("kiến nghị với"), max_length=300)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
