"""What a cluster-year's pages and documents are made of, as the stamp of a cache reads it
(cluster_portal/documents.py): the organisation of the year and the members' figures and
disbursements, one history queryset per kind of record, filtered to the cluster-year. The
year page (`year_page_sources`) and every document (`emulation/*/sources.py`) start from
`cluster_year_sources` and add their own."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from cluster_portal.documents import admin_log, history_of
from provinces.calendar.models import Deadlines
from provinces.disbursements.models import Disbursement
from provinces.figures.models import YearlyFigures
from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province


def the_cluster(slug: str) -> QuerySet:
    """The cluster of `slug`, as a subquery: the sources are read by the database from the
    URL's slug and year alone, so that a hit needs no other query (`document_response`)."""
    return Cluster.objects.filter(slug=slug).values("pk")


def cluster_year_units(slug: str, year: int) -> QuerySet:
    """The ids of the members of the cluster in `year` and of the units merged into them
    (whose figures and disbursements count for them; two steps of mergers), as a subquery."""
    members = (
        ClusterMembership.objects.in_year(year)
        .filter(cluster__in=the_cluster(slug))
        .values("province")
    )
    return Province.objects.filter(
        Q(pk__in=members) | Q(successor__in=members) | Q(successor__successor__in=members)
    ).values("pk")


def cluster_year_sources(slug: str, year: int) -> list[QuerySet]:
    """The organisation of the year and the members' figures and disbursements: the cluster,
    every membership of this year and the last (the read rule of last year's records asks
    who was in which cluster then), the members and the units merged into them (names,
    mergers), the terms of this year and the next (head, vice-head; the report names the
    next head), the figures of this year and the last in every state (the chair's preview
    shows them all), and the disbursements of the year. With the reader's class (in the key),
    they decide the access check too (`document_response`)."""
    units = cluster_year_units(slug, year)
    return [
        history_of(Cluster, slug=slug),
        history_of(
            ClusterMembership,
            Q(to_year__isnull=True) | Q(to_year__gte=year - 1),
            from_year__lte=year,
        ),
        history_of(Province, id__in=units),
        history_of(ClusterTerm, cluster__in=the_cluster(slug), year__in=[year, year + 1]),
        history_of(YearlyFigures, province__in=units, year__in=[year - 1, year]),
        history_of(Disbursement, province__in=units, date__year=year),
    ]


def year_page_sources(slug: str, year: int) -> list[QuerySet]:
    """What the year page's body reads of cluster `slug` in `year`, kept in the default
    cache (cluster_portal/page_cache.py): `cluster_year_sources`'s records (the
    organisation, the figures of this year and the last, the disbursements of the year; the
    year page is below the reports, so they are written here again), the cluster's
    deadlines of the year (the "late" badge), and the admin's log of the users (the
    submitters' names: only the admin edits a name, and users keep no history)."""
    return [
        *cluster_year_sources(slug, year),
        history_of(Deadlines, cluster__in=the_cluster(slug), year=year),
        admin_log(get_user_model()),
    ]
