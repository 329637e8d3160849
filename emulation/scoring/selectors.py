"""Reads behind the scoring pages and outputs: the whole cluster-year in a fixed number
of queries whatever the number of members and criteria."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.translation import gettext

from provinces.calendar.selectors import deadlines_for
from provinces.disbursements.selectors import DisbursementTotals, disbursement_totals
from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.figures.selectors import late_figures
from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province
from provinces.organisation.selectors import cluster_members, members_changed_since, term_for

from .columns import CLUSTER, FINAL, SELF, SETTLED, Column
from .models import (
    Criterion,
    CriterionKind,
    EvidenceFile,
    Score,
    ScoreSheet,
    ScoringAgreement,
    Target,
)
from .rules import (
    LATE_REPORTS,
    Standing,
    compute,
    late_penalty,
    rank,
    stored_steps,
    tree_problems,
)
from .score_values import POINTS_FIELDS, TEXT_FIELDS, ScoreValues, plain_rows

DISBURSEMENT_CODES = ("loans_count", "loans_amount")


@dataclass
class Line:
    criterion: object
    depth: int


@dataclass
class ScoringYear:
    cluster: Cluster
    year: int
    term: ClusterTerm | None
    members: list[Province]
    agreement: ScoringAgreement | None
    lines: list[Line] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # (criterion id, province id) -> Decimal
    ranking: list[Standing] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)  # score id -> [EvidenceFile]
    # The members' ids and the columns by province id, worked out on first use (a page
    # asks for them once per member: the access checks of each row).
    _ids: tuple = field(default=(), repr=False, compare=False)
    _by_province: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def member_ids(self) -> set[int]:
        members, ids = self.members, self._ids
        if not ids or ids[0] is not members or ids[1] != len(members):
            ids = self._ids = (members, len(members), frozenset(m.pk for m in members))
        return set(ids[2])

    @property
    def leaves(self) -> list:
        return [line.criterion for line in self.lines if not line.criterion.is_group]

    @property
    def top_groups(self) -> list:
        return [line.criterion for line in self.lines if line.depth == 0]

    @property
    def criteria(self) -> list:
        return [line.criterion for line in self.lines]

    def column(self, province_id: int) -> Column | None:
        index = self._by_province
        if len(index) != len(self.columns):
            index.clear()
            for c in reversed(self.columns):  # the first column of a province, as before
                index[c.province.pk] = c
        return index.get(province_id)

    @property
    def problems(self) -> list[str]:
        if self.agreement is None:
            return ["Chưa có giao ước thi đua."]
        return tree_problems(
            self.criteria, self.agreement.total_points, self.member_ids, self.targets
        )

    @property
    def locked(self) -> bool:
        return bool(self.agreement and self.agreement.locked)

    @property
    def result_recorded(self) -> bool:
        return bool(self.agreement and self.agreement.result_recorded)

    def points(self, column: Column, criterion) -> Decimal | None:
        """A member's points on any line: the final score of a leaf (negative for a
        penalty), the sum of its leaves for a group (worked out once, in `scoring_year`)."""
        return column.line_points[criterion.pk]

    @property
    def ranked_columns(self) -> list[Column]:
        return [standing.key for standing in self.ranking]

    @property
    def unscored_columns(self) -> list[Column]:
        """The members without a sheet, shown after the ranking."""
        return [column for column in self.columns if not column.scored]

    @property
    def leader(self) -> Column | None:
        first = [s for s in self.ranking if s.rank == 1]
        return first[0].key if len(first) == 1 else None


def _ordered_lines(criteria: list) -> list[Line]:
    children: dict = {}
    for c in sorted(criteria, key=lambda c: (c.order, c.pk)):
        children.setdefault(c.parent_id, []).append(c)
    lines: list[Line] = []

    def walk(parent_id, depth):
        for c in children.get(parent_id, []):
            lines.append(Line(c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return lines


def approved_values(
    members: list[Province],
    year: int,
    *,
    disbursements: bool,
    totals: DisbursementTotals | None = None,
    approved: list[YearlyFigures] | None = None,
) -> dict[int, dict]:
    """The approved figures of each member (by province id) with, when asked, its disbursements
    from the register; a member without approved figures is absent. When the caller has
    read them already: `approved`, the members' approved records of the year, and
    `totals`, their disbursement totals of the year."""
    if approved is None:
        approved = YearlyFigures.objects.filter(
            province__in=members, year=year, status=FiguresStatus.APPROVED
        ).order_by()
    values = {f.province_id: f.values() for f in approved}
    if disbursements and values:
        totals = totals or disbursement_totals(provinces=members, year=year)
        for province_id, row in values.items():
            row["loans_count"] = totals.all_funds[province_id].count
            row["loans_amount"] = totals.all_funds[province_id].amount
    return values


def late_note(year: int, working: str) -> str:
    """A late report as the working names it, in the reader's language (the notes are
    shown only on the pages, whose cache is kept per language)."""
    return gettext("số liệu năm %(year)s: %(working)s") % {"year": year, "working": working}


def late_reports(
    members: list[Province], cluster: Cluster, year: int, *, now: datetime.datetime | None = None
) -> dict[int, list[str]]:
    """The reports that count as late for each member, as the working names them: sent
    after the cluster-year's deadline, or still not sent past it (today: the yearly
    figures, by `figures_late_report`). Two queries."""
    deadlines = deadlines_for(cluster, year)
    found = late_figures(members, year, deadlines, now=now or timezone.now())
    return {m.pk: [late_note(year, found[m.pk].working)] if m.pk in found else [] for m in members}


def recorded_with_criteria(cluster: Cluster, year: int) -> bool:
    """Is the cluster-year's scoring meeting recorded on an agreement with criteria (what
    the annual report's ranking needs before it asks for the scoring year)? One query."""
    return ScoringAgreement.objects.filter(
        cluster=cluster, year=year, meeting_date__isnull=False, criteria__isnull=False
    ).exists()


@dataclass
class LoadedAgreement:
    """One agreement with its rows, read for many clusters at once (`agreements_of_year`)."""

    agreement: ScoringAgreement
    criteria: list = field(default_factory=list)
    targets: list = field(default_factory=list)  # (criterion id, province id, value)
    sheets: list = field(default_factory=list)
    scores: list = field(default_factory=list)  # rows of POINTS_FIELDS


def agreements_of_year(cluster_ids, year: int) -> dict[int, LoadedAgreement]:
    """The agreements of `year` of the given clusters, by cluster id, each with its
    criteria, targets, sheets and scores, for `scoring_year(loaded=…)`: five queries
    whatever the number of clusters (the national board)."""
    agreements = ScoringAgreement.objects.filter(cluster_id__in=list(cluster_ids), year=year)
    loaded = {a.cluster_id: LoadedAgreement(a) for a in agreements.order_by()}
    by_pk = {item.agreement.pk: item for item in loaded.values()}
    if not by_pk:
        return loaded
    of_criterion, of_sheet = {}, {}
    for criterion in Criterion.objects.filter(agreement__in=list(by_pk)).order_by():
        by_pk[criterion.agreement_id].criteria.append(criterion)
        of_criterion[criterion.pk] = by_pk[criterion.agreement_id]
    targets = Target.objects.filter(criterion__agreement__in=list(by_pk))
    for row in plain_rows(targets, ("criterion_id", "province_id", "value")):
        of_criterion[row[0]].targets.append(row)
    for sheet in ScoreSheet.objects.filter(agreement__in=list(by_pk)).order_by():
        by_pk[sheet.agreement_id].sheets.append(sheet)
        of_sheet[sheet.pk] = by_pk[sheet.agreement_id]
    for row in plain_rows(Score.objects.filter(sheet__agreement__in=list(by_pk)), POINTS_FIELDS):
        of_sheet[row[1]].scores.append(row)
    return loaded


def scoring_year(
    cluster: Cluster,
    year: int,
    *,
    evidence_for: Province | None = None,
    members: list[Province] | None = None,
    term: ClusterTerm | None = None,
    disbursements: DisbursementTotals | None = None,
    approved: list[YearlyFigures] | None = None,
    loaded: dict[int, LoadedAgreement] | None = None,
    late: dict[int, list[str]] | None = None,
) -> ScoringYear:
    """The agreement, criteria, targets, every member's sheet and scores, the computed
    values and the ranking. At most ten queries, two more with a sheet shown (`evidence_for`:
    its scores' texts, its evidence);
    two fewer when the caller has the members (by name) and term already (the annual
    report), and fewer again with the members' disbursement totals and approved records of the
    year (`disbursements`, `approved`). None with the agreements read already (`loaded`, from
    `agreements_of_year`), those and the late reports (`late`, as `late_reports` gives them)."""
    if members is None:
        members = cluster_members(cluster, year)
        term = term_for(cluster, year)
    entry = loaded.get(cluster.pk) if loaded is not None else None
    if loaded is not None:
        agreement = entry.agreement if entry else None
    else:  # One per cluster-year: no ordering (the model's joins the cluster to sort).
        agreement = ScoringAgreement.objects.filter(cluster=cluster, year=year).order_by().first()
    data = ScoringYear(cluster=cluster, year=year, term=term, members=members, agreement=agreement)
    if agreement is None:
        data.columns = [Column(province=m, sheet=None) for m in members]
        return data
    agreement.cluster = cluster
    if entry is None:
        entry = LoadedAgreement(
            agreement,
            criteria=list(agreement.criteria.order_by()),  # _ordered_lines sorts them
            targets=plain_rows(
                Target.objects.filter(criterion__agreement=agreement),
                ("criterion_id", "province_id", "value"),
            ),
            sheets=list(agreement.sheets.all()),
            # Plain rows (tuples of `POINTS_FIELDS`), not a named tuple each: a cell's is
            # made when the cell is (`Column.cells`).
            scores=plain_rows(Score.objects.filter(sheet__agreement=agreement), POINTS_FIELDS),
        )
    data.lines = _ordered_lines(entry.criteria)
    data.targets = {
        (criterion_id, province_id): value for criterion_id, province_id, value in entry.targets
    }
    sheets = {s.province_id: s for s in entry.sheets}
    scores: dict = {}  # sheet id -> criterion id -> score
    for row in entry.scores:
        try:
            scores[row[1]][row[2]] = row
        except KeyError:
            scores[row[1]] = {row[2]: row}
    shown = sheets.get(evidence_for.pk) if evidence_for is not None else None
    if shown is not None:  # the texts of the sheet shown, beside its points
        own = scores.get(shown.pk, {})
        texts = Score.objects.filter(sheet=shown).values_list("criterion_id", *TEXT_FIELDS)
        for criterion_id, *written in texts:
            if criterion_id in own:
                own[criterion_id] = ScoreValues(*own[criterion_id], *written)
    leaves = data.leaves
    uses_disbursements = any(
        c.indicator in DISBURSEMENT_CODES or c.denominator in DISBURSEMENT_CODES for c in leaves
    )
    computed_any = any(c.is_computed for c in leaves)
    values = (
        approved_values(
            members, year, disbursements=uses_disbursements, totals=disbursements, approved=approved
        )
        if computed_any
        else {}
    )
    fed_by_calendar = any(
        c.kind == CriterionKind.PENALTY and c.indicator == LATE_REPORTS for c in leaves
    )
    if late is None:
        late = late_reports(members, cluster, year) if fed_by_calendar else {}
    parents = [(line.criterion.pk, line.criterion.parent_id) for line in data.lines]
    parents.reverse()  # children before their group: one pass adds every line up
    tops = [c.pk for c in data.top_groups]
    group_ids = [line.criterion.pk for line in data.lines if line.criterion.is_group]
    group1 = tops[0] if tops else None
    zero = Decimal(0)
    locked = agreement.locked
    # Each leaf's id and what feeds it, worked out once (not per member).
    late_kind = CriterionKind.PENALTY
    plan = [
        (
            c,
            c.pk,
            c.is_computed,
            c.kind == late_kind and c.indicator == LATE_REPORTS,
            c.kind == late_kind,
            c.kind == CriterionKind.BONUS,
        )
        for c in leaves
    ]
    standings = []
    for member in members:
        sheet = sheets.get(member.pk)
        if sheet is not None:
            sheet.province = member
            sheet.agreement = agreement
        sheet_scores = scores.get(sheet.pk, {}) if sheet else {}
        column = Column(
            province=member, sheet=sheet, locked=locked, leaves=leaves, scores=sheet_scores
        )
        workings = column.workings
        points = column.line_points
        bonus = zero
        self_total = zero  # what `total_of` adds up: penalties subtracted, a missing score 0
        differences = 0
        member_values = values.get(member.pk)
        member_late = late.get(member.pk, [])
        targets = data.targets
        for c, pk, computed, fed_late, penalty, is_bonus in plan:
            row = sheet_scores.get(pk)
            if computed:
                working = workings[pk] = compute(c, member_values, targets.get((pk, member.pk)))
            elif fed_late:
                working = workings[pk] = late_penalty(c, late=member_late)
            else:
                working = None
            if row is None:
                own, _, _, differs, _, final = stored_steps(
                    False, None, None, None, None, working, locked
                )
            else:
                own, _, _, differs, _, final = stored_steps(
                    True, row[SELF], row[CLUSTER], row[SETTLED], row[FINAL], working, locked
                )
            differences += differs
            if own is not None:
                self_total += -own if penalty else own
            if final is None:
                points[pk] = None
                continue
            points[pk] = -final if penalty else final
            if is_bonus:
                bonus += final
        column.self_total = self_total
        column.differences = differences
        for pk in group_ids:
            points[pk] = zero
        for pk, parent_id in parents:
            if parent_id is not None and points[pk] is not None:
                points[parent_id] += points[pk]
        for pk in tops:
            column.group_totals[pk] = zero + (points[pk] or zero)
        column.standing = Standing(
            key=column,
            total=sum((column.group_totals[pk] for pk in tops), zero),
            group1=column.group_totals.get(group1, zero),
            bonus=bonus,
            vote=(sheet.meeting_votes or 0) if sheet else 0,
        )
        if column.scored:
            standings.append(column.standing)
        else:
            column.standing.rank = None  # shown as "chưa chấm", after the ranked members
        data.columns.append(column)
    data.ranking = rank(standings, agreement.tie_break_keys)
    if shown is not None:
        for item in EvidenceFile.objects.filter(score__sheet=shown):
            data.evidence.setdefault(item.score_id, []).append(item)
    return data


def sheet_history(sheet: ScoreSheet | None, *, limit: int = 30) -> list:
    """The latest score changes of a sheet with who made them and why (one query)."""
    if sheet is None:
        return []
    return list(
        Score.history.filter(sheet_id=sheet.pk)
        .select_related("history_user", "criterion")
        .order_by("-history_date", "-history_id")[:limit]
    )


def scores_changed_since(cluster: Cluster, year: int, since) -> set[str]:
    """The codes of the members whose scores of the cluster-year were written or deleted
    since `since` (their sheet, a score), every member's when the agreement or a criterion
    was (the state, the criteria and the total follow them), and of the units whose
    membership of that year was: what the API's scores list may have to show again or
    drop. One query."""
    agreements = ScoringAgreement.objects.filter(cluster=cluster, year=year).values("pk")
    sheets = ScoreSheet.history.filter(agreement__in=agreements, history_date__gte=since)
    scores = Score.history.filter(sheet__agreement__in=agreements, history_date__gte=since)
    whole = ScoringAgreement.history.filter(
        cluster_id=cluster.pk, year=year, history_date__gte=since
    )
    criteria = Criterion.history.filter(agreement__in=agreements, history_date__gte=since)
    members = ClusterMembership.objects.in_year(year).filter(cluster=cluster)
    units = Province.objects.filter(
        Q(id__in=members_changed_since(cluster, year, since))
        | Q(id__in=sheets.values("province_id"))
        | Q(id__in=scores.values("sheet__province_id"))
        | (Q(id__in=members.values("province_id")) & (Exists(whole) | Exists(criteria)))
    )
    return set(units.values_list("code", flat=True))
