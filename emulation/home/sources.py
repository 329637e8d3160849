"""What the signed-in home page's body is made of, as the stamp of the page cache reads it
(cluster_portal/page_cache.py, cluster_portal/documents.py's `data_stamp`).

The body (the to-dos, the reporting-rate tables, the user's cluster-years, the badges)
reads every cluster-year from ten years back to the next one and, in them, the members,
terms, mergers, figures, deadlines, conferences, scoring agreements and sheets,
nominations with their cooperatives and achievement reports. Of the reader it reads only
what `access.reader_class` decides (admin, national staff, or staff of which alliance:
their unit of each year, whether they chair, which to-dos are theirs); of the clock only
the local day (every deadline ends at a day's end, `end_of_day`), which the key holds
(`dated=True`).

The sources are the whole history of each of these tables: the page spans every cluster,
and a record moved out of the years in play must change the stamp too. Any write to one
of them gives every reader a fresh body on their next view; a write elsewhere (the
disbursements, the scores, the report's settings) keeps it. The whole tables are counted
once per process after each committed write, not on every view: the counts are kept
while the write generation holds (cluster_portal/write_generation.py), and a view reads
its one row."""

from django.db.models import QuerySet

from emulation.conference.models import Conference
from emulation.dossiers.models import AchievementReport
from emulation.nominations.models import Nomination
from emulation.scoring.models import ScoreSheet, ScoringAgreement
from provinces.calendar.models import Deadlines
from provinces.disbursements.models import Cooperative
from provinces.figures.models import YearlyFigures
from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province

MODELS = (
    Cluster,
    ClusterMembership,
    ClusterTerm,
    Province,
    YearlyFigures,
    Deadlines,
    Conference,
    ScoringAgreement,
    ScoreSheet,
    Nomination,
    AchievementReport,
    Cooperative,
)


def home_sources() -> list[QuerySet]:
    """Every history row of every table the home page's body reads (the module's doc)."""
    return [model.history.all() for model in MODELS]
