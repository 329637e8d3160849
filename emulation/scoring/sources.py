"""What the scoring summary of a cluster-year is made of, as the document cache's stamp
reads it (cluster_portal/documents.py; the report's sources: emulation/reports/sources.py)."""

from django.db.models import QuerySet

from cluster_portal.documents import admin_log, history_of
from emulation.conference.models import Attendee, Conference
from emulation.nominations.models import AwardQuota, AwardType, Nomination
from emulation.reports.models import ReportSettings
from provinces.calendar.models import Deadlines
from provinces.figures.sources import cluster_year_sources, the_cluster

from .models import Criterion, Score, ScoreSheet, ScoringAgreement, Target


def scoring_sources(slug: str, year: int) -> list[QuerySet]:
    """`cluster_year_sources` (the figures and disbursements the computed criteria read) and
    `scoring_records`."""
    return [*cluster_year_sources(slug, year), *scoring_records(slug, year)]


def scoring_records(slug: str, year: int) -> list[QuerySet]:
    """The agreement with its criteria, targets, sheets and scores, the deadlines of the year and
    the last (a year without its own takes last year's; late reports cost points), the
    nominations proposed from the ranking, the award types and quotas (the admin's), the
    conference whose attendees name the summary's signer, the report's settings (the symbol)."""
    cluster = the_cluster(slug)
    agreements = ScoringAgreement.objects.filter(cluster__in=cluster, year=year).values("pk")
    criteria = Criterion.objects.filter(agreement__in=agreements).values("pk")
    sheets = ScoreSheet.objects.filter(agreement__in=agreements).values("pk")
    return [
        history_of(ScoringAgreement, cluster__in=cluster, year=year),
        history_of(Criterion, agreement__in=agreements),
        history_of(Target, criterion__in=criteria),
        history_of(ScoreSheet, agreement__in=agreements),
        history_of(Score, sheet__in=sheets),
        history_of(Deadlines, cluster__in=cluster, year__in=[year - 1, year]),
        history_of(Nomination, cluster__in=cluster, year=year),
        history_of(Conference, cluster__in=cluster, year=year),
        # the cluster-year's issuing-body symbol, on the summary's number line
        history_of(ReportSettings, cluster__in=cluster, year=year),
        admin_log(AwardType, AwardQuota, Attendee),
    ]
