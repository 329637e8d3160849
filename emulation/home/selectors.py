"""The home page's reads: the user's to-dos, most urgent first, and the reporting-rate
table of each cluster the user sees."""

import datetime
from dataclasses import dataclass, field

from cluster_portal import access
from provinces.calendar.models import Deadlines
from provinces.figures.models import YearlyFigures
from provinces.figures.timeliness import (
    ReportingRate,
    Timeliness,
    figures_timeliness,
    reporting_rate,
)
from provinces.organisation.models import Province
from provinces.organisation.selectors import ClusterYear

from .todos import (
    ADMIN,
    CHAIR,
    JUDGED,
    STAFF,
    Snapshot,
    Todo,
    all_todos,
    figures_by_member,
    judges_todo,
    urgency,
)


def is_for(user, todo: Todo, term) -> bool:
    """Whether `todo` is this user's to do: staff of the member that owes it, the chair of
    that cluster-year, or an admin."""
    if todo.audience == ADMIN:
        return access.is_admin(user)
    if todo.audience == CHAIR:
        if todo.kind in JUDGED and todo.owner is not None:
            return judges_todo(user, todo, term)
        if todo.kind == "figures_overdue" and _owns(user, todo):
            return False  # the chair's own province: its staff to-do already says it
        return access.is_chair(user, term)
    return todo.audience == STAFF and _owns(user, todo)


def _owns(user, todo: Todo) -> bool:
    unit = access.unit_of(user, todo.year) if todo.owner is not None else None
    return unit is not None and unit.pk == todo.owner.pk


def todos_for(user, snap: Snapshot) -> list[Todo]:
    terms = {(cy.cluster.pk, cy.year): cy.term for cy in snap.cluster_years}
    mine = [
        t.mark(snap.now)
        for t in all_todos(snap)
        if is_for(user, t, terms.get((t.cluster.pk, t.year)))
    ]
    return sorted(mine, key=lambda t: urgency(t, snap.now))


@dataclass
class MemberRow:
    province: Province
    figures: YearlyFigures | None
    timeliness: str

    @property
    def timeliness_label(self) -> str:
        return Timeliness.LABELS[self.timeliness]


@dataclass
class ReportingTable:
    cy: ClusterYear
    deadlines: Deadlines | None
    rows: list[MemberRow] = field(default_factory=list)

    @property
    def rate(self) -> ReportingRate:
        return reporting_rate([row.timeliness for row in self.rows])


def _table_year(snap: Snapshot, cluster_id: int) -> int:
    """The year being reported: the latest chased year with a figures deadline, else the
    year before this one."""
    dated = [
        year
        for (cid, year), d in snap.deadlines.items()
        if cid == cluster_id and d.figures_due and year in snap.figures_years
    ]
    return max(dated) if dated else snap.today.year - 1


def reporting_tables(user, snap: Snapshot) -> list[ReportingTable]:
    figures = figures_by_member(snap)
    tables = []
    by_key = {(cy.cluster.pk, cy.year): cy for cy in snap.cluster_years}
    for cluster_id in dict.fromkeys(cy.cluster.pk for cy in snap.cluster_years):
        cy = by_key.get((cluster_id, _table_year(snap, cluster_id)))
        if cy is None or not access.can_view_cluster_year(user, cy.member_ids, cy.year):
            continue
        deadlines = snap.deadlines_of(cy)
        table = ReportingTable(cy=cy, deadlines=deadlines)
        for member in cy.members:
            record = figures.get((member.pk, cy.year))
            table.rows.append(
                MemberRow(
                    province=member,
                    figures=record,
                    timeliness=figures_timeliness(record, deadlines, now=snap.now),
                )
            )
        tables.append(table)
    return tables


def overdue_count(todos: list[Todo], now: datetime.datetime) -> int:
    return sum(1 for t in todos if t.is_overdue(now))
