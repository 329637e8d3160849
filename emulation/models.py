from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from provinces.models import YEAR_VALIDATORS, Cluster, ClusterMembership, Province


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
