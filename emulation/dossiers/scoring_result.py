"""What a dossier takes from the scoring of the year (emulation/scoring/, issue 13): the
recorded scoring meeting, each member's total and rank, and the summary table. The one
place that reads the scoring package, so that the documents stay plain data."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from emulation.scoring.render import summary_rows
from emulation.scoring.selectors import ScoringYear, scoring_year
from emulation.scoring.summary_document import summary_lead_note
from provinces.organisation.models import Cluster, Province


@dataclass
class MemberResult:
    province: Province
    total: Decimal
    rank: int | None
    votes: int | None  # the meeting's "suy tôn" vote for this member, when it voted


@dataclass
class SummaryRow:
    number: str
    title: str
    depth: int
    is_group: bool
    max_points: Decimal
    is_penalty: bool
    points: list[Decimal | None]


@dataclass
class ScoringResult:
    """The scoring of a cluster-year as the dossier shows it."""

    recorded: bool  # the scoring meeting is recorded and the scores locked
    meeting_date: datetime.date | None
    present: int | None
    notes: str
    place: str
    total_points: Decimal
    signed_on: datetime.date | None
    members: list[MemberResult] = field(default_factory=list)  # column order
    rows: list[SummaryRow] = field(default_factory=list)
    lead_note: str = ""  # the line above the summary's table
    # The scoring as read, for the summary's PDF: the scoring package's own rendering.
    year_data: ScoringYear | None = field(default=None, repr=False)

    def for_province(self, province_id: int) -> MemberResult | None:
        return next((m for m in self.members if m.province.pk == province_id), None)

    @property
    def ranking(self) -> list[MemberResult]:
        return sorted(self.members, key=lambda m: (m.rank or 10**6, m.province.sort_key))


def scoring_result(cluster: Cluster, year: int) -> ScoringResult | None:
    """None when the cluster-year has no scoring agreement."""
    data = scoring_year(cluster, year)
    agreement = data.agreement
    if agreement is None:
        return None
    result = ScoringResult(
        recorded=bool(agreement.locked and agreement.meeting_date),
        meeting_date=agreement.meeting_date,
        present=agreement.meeting_present,
        notes=agreement.meeting_notes,
        place=getattr(agreement, "meeting_place", "") or "",
        total_points=agreement.total_points,
        signed_on=agreement.signed_on,
        lead_note=summary_lead_note(data),
        year_data=data,
    )
    for column in data.columns:
        result.members.append(
            MemberResult(
                province=column.province,
                total=column.total,
                rank=column.standing.rank if column.standing else None,
                votes=column.sheet.meeting_votes if column.sheet else None,
            )
        )
    for row in summary_rows(data):
        criterion = row["criterion"]
        result.rows.append(
            SummaryRow(
                number=criterion.number,
                title=criterion.title,
                depth=row["depth"],
                is_group=criterion.is_group,
                max_points=criterion.max_points,
                is_penalty=criterion.kind == "penalty",
                points=row["points"],
            )
        )
    return result
