"""What the annual report of a cluster-year is made of, as the document cache's stamp
reads it (cluster_portal/documents.py): one history queryset per kind of record the
report shows, filtered to the cluster-year. The scoring summary and the dossier start
from `cluster_year_sources` and add their own."""

from collections.abc import Callable

from django.db.models import QuerySet

from cluster_portal.documents import admin_log, history_of
from emulation.conference.models import Attendee, Conference, Recommendation
from emulation.nominations.models import AwardQuota, AwardType, Nomination, VoteRule
from emulation.nominees.models import Household, OtherUnit, Person
from emulation.reports.models import LegalBasis, ReportSettings
from provinces.calendar.models import Deadlines
from provinces.disbursements.models import Cooperative
from provinces.figures.sources import cluster_year_sources, the_cluster

# The sections the report prints from a feature above it (the ranking of the scoring,
# `{% scoring_ranking %}` in emulation/templatetags), each as what it reads of a
# cluster-year: listed by the app's `ready` (emulation/apps.py, which may import every
# feature), before any request is served.
SECTION_SOURCES: list[Callable[[str, int], list[QuerySet]]] = []


def report_sources(slug: str, year: int) -> list[QuerySet]:
    """`cluster_year_sources`, `report_records` and the sections' sources: the report's
    files and its page print all of them."""
    sections = [source for section in SECTION_SOURCES for source in section(slug, year)]
    return [*cluster_year_sources(slug, year), *report_records(slug, year), *sections]


def report_records(slug: str, year: int) -> list[QuerySet]:
    """What the report adds to the cluster-year: the conference (its attendees and
    recommendations are saved with it, in the form and in the admin), the report's
    settings (with the chair's sections), the calendar (the drafts name the members that
    reported late), the nominations with their cooperatives, other units, individuals and
    households, and the award types, quotas, vote rules and legal basis (the admin's, logged)."""
    cluster = the_cluster(slug)
    nominated = Nomination.objects.filter(cluster__in=cluster, year=year)
    return [
        history_of(Conference, cluster__in=cluster, year=year),
        history_of(ReportSettings, cluster__in=cluster, year=year),
        history_of(Deadlines, cluster__in=cluster, year=year),
        history_of(Nomination, cluster__in=cluster, year=year),
        history_of(Cooperative, id__in=nominated.values("nominee_cooperative")),
        history_of(Person, id__in=nominated.values("nominee_person")),
        history_of(Household, id__in=nominated.values("nominee_household")),
        history_of(OtherUnit, id__in=nominated.values("nominee_other_unit")),
        admin_log(AwardType, AwardQuota, VoteRule, Attendee, Recommendation, LegalBasis),
    ]
