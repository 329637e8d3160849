"""What the access decisions about a member's score sheet, and about the cluster-year's
summary, are asked on (`cluster_portal.access` decides), built from the scoring year."""

from dataclasses import dataclass

from provinces.organisation.models import ClusterTerm, Province

from .models import ScoreSheet, ScoringAgreement
from .selectors import ScoringYear


@dataclass
class SheetContext:
    """What access decisions about one member's sheet need."""

    province: Province
    year: int
    member_ids: set[int]
    term: ClusterTerm | None
    agreement: ScoringAgreement | None
    sheet: ScoreSheet | None


def sheet_context(data: ScoringYear, province: Province) -> SheetContext:
    column = data.column(province.pk)
    return SheetContext(
        province=province,
        year=data.year,
        member_ids=data.member_ids,
        term=data.term,
        agreement=data.agreement,
        sheet=column.sheet if column else None,
    )


def summary_sheet_context(data: ScoringYear) -> SheetContext:
    """The context of the cluster-year's summary (totals and ranking of every member):
    what `access.can_view_scoring_summary` decides on, the same for pages, files and API."""
    return sheet_context(data, data.members[0])
