"""The cluster-year's particulars every signed document shares beyond its letterhead: the
legal basis it cites ("Căn cứ …", `LegalBasis`, the admin's) and the one issuing-body
symbol of the year (the chair's, on the report's settings)."""

import datetime

from django.db.models import Q

from provinces.organisation.models import Cluster

from .letterhead import cluster_symbol
from .models import LegalBasis, ReportSettings


def issuing_symbol(cluster: Cluster, year: int) -> str:
    """The issuing-body symbol every document of the cluster-year carries after its kind
    ("CTĐ-TB" in "TTr-CTĐ-TB"): the chair's, in the report's settings, else the cluster's
    default. One query."""
    chosen = (
        ReportSettings.objects.filter(cluster=cluster, year=year)
        .values_list("symbol", flat=True)
        .first()
    )
    return chosen or cluster_symbol(cluster)


def legal_basis_on(
    day: datetime.date, *, cluster: Cluster, year: int, agreement: bool = False
) -> list[str]:
    """The "Căn cứ …" lines in force on `day` for every cluster and for `cluster`, in
    their order, {year} and {cluster} filled in; for the agreement, the lines it cites
    (not the one naming the agreement itself). One query."""
    rows = _in_force(day).filter(Q(cluster__isnull=True) | Q(cluster=cluster), alliance_only=False)
    if agreement:
        rows = rows.filter(cited_by_agreement=True)
    return [row.text_for(year=year, cluster=cluster) for row in rows]


def national_basis_on(day: datetime.date) -> list[str]:
    """The lines in force on `day` that name no cluster (the law, the decree, the alliance's
    regulation, and its own lines: `alliance_only`): what the alliance's own documents, its
    award decisions, cite. One query."""
    rows = _in_force(day).filter(cluster__isnull=True).exclude(text__contains="{cluster}")
    return [row.text_for(year=day.year) for row in rows]


def _in_force(day: datetime.date):
    """The lines in force on `day`, in their order."""
    return LegalBasis.objects.filter(
        Q(in_force_from__isnull=True) | Q(in_force_from__lte=day),
        Q(in_force_until__isnull=True) | Q(in_force_until__gte=day),
    )
