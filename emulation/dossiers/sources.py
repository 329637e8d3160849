"""What the award dossier of a cluster-year is made of, as the document cache's stamp
reads it (cluster_portal/documents.py): the report's sources (the conference, the
nominations, the members' figures and disbursements), the scoring's (the result), and its own."""

from django.db.models import Q, QuerySet

from cluster_portal.documents import history_of
from emulation.awards.models import AwardRecord
from emulation.nominations.models import Nomination
from emulation.reports.sources import report_records
from emulation.scoring.sources import scoring_records
from provinces.disbursements.models import Disbursement
from provinces.figures.sources import cluster_year_sources, the_cluster

from .models import AchievementReport, DossierSettings


def dossier_sources(slug: str, year: int) -> list[QuerySet]:
    """The cluster-year, what the report and the scoring add, the nominees'
    achievement reports, the chair's dossier settings, the disbursements of the nominated
    cooperatives and the nominees' rows of the award-history register."""
    nominated = Nomination.objects.filter(cluster__in=the_cluster(slug), year=year)
    return [
        *cluster_year_sources(slug, year),
        *report_records(slug, year),
        *scoring_records(slug, year),
        history_of(AchievementReport, nomination__in=nominated.values("pk")),
        history_of(DossierSettings, cluster__in=the_cluster(slug), year=year),
        history_of(
            Disbursement, borrower__in=nominated.values("nominee_cooperative"), date__year=year
        ),
        # The awards-received tables of the nominees' reports.
        history_of(
            AwardRecord,
            Q(alliance__in=nominated.values("nominee_alliance"))
            | Q(cooperative__in=nominated.values("nominee_cooperative"))
            | Q(person__in=nominated.values("nominee_person"))
            | Q(household__in=nominated.values("nominee_household"))
            | Q(other_unit__in=nominated.values("nominee_other_unit")),
        ),
    ]
