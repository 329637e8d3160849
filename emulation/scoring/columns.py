"""A cluster-year's member as the scoring pages read it (`Column`: its sheet, totals and
standing, its cells made on first use) and one member's score on one criterion (`Cell`).
`selectors.scoring_year` makes them."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from provinces.organisation.models import Province

from .models import Response, ScoreSheet
from .rules import Standing, Working, cell_steps
from .score_values import POINTS_FIELDS, ScorePoints, ScoreValues


class Cell:
    """One member's score on one leaf criterion, with every step's value, worked out once
    when the cell is made (the pages read each value many times)."""

    __slots__ = (
        "criterion",
        "score",
        "working",
        "locked",
        "self_points",
        "is_override",
        "cluster_points",
        "differs",
        "agreed",
        "final",
        "contested",
    )

    def __init__(
        self,
        criterion,
        score: ScorePoints | ScoreValues | None,
        working: Working | None,
        *,
        locked=False,
    ):
        self.criterion = criterion
        self.score = score
        self.working = working
        self.locked = locked
        (
            self.self_points,
            self.is_override,
            self.cluster_points,
            self.differs,
            self.agreed,
            self.final,
        ) = cell_steps(score, working, locked)
        self.contested = score is not None and score.response == Response.CONTEST


# Where a stored score's points are in its row (`POINTS_FIELDS`): the totals read the
# rows as they come from the database, a `ScorePoints` is made for a cell only.
SELF, CLUSTER, SETTLED, FINAL = (
    POINTS_FIELDS.index(name)
    for name in ("self_points", "cluster_points", "settled_points", "final_points")
)


@dataclass
class Column:
    """A member in the cluster-year: its sheet, its totals, its cells by criterion id (made
    on first use from `scores` and `workings`: most pages read only the totals of the
    other members)."""

    province: Province
    sheet: ScoreSheet | None
    group_totals: dict = field(default_factory=dict)  # top-level criterion id -> points
    line_points: dict = field(default_factory=dict)  # criterion id -> ScoringYear.points
    standing: Standing | None = None
    self_total: Decimal = Decimal(0)
    differences: int = 0
    locked: bool = False
    leaves: list = field(default_factory=list, repr=False)  # the year's leaf criteria
    # criterion id -> the stored score: its row (`POINTS_FIELDS`), or `ScoreValues` for
    # the sheet shown
    scores: dict = field(default_factory=dict, repr=False)
    workings: dict = field(default_factory=dict, repr=False)  # criterion id -> Working
    _cells: dict | None = field(default=None, repr=False)

    @property
    def cells(self) -> dict:
        if self._cells is None:
            scores, workings, locked = self.scores, self.workings, self.locked
            cells = {}
            for criterion in self.leaves:
                score = scores.get(criterion.pk)
                if type(score) is tuple:
                    score = ScorePoints._make(score)
                cells[criterion.pk] = Cell(
                    criterion, score, workings.get(criterion.pk), locked=locked
                )
            self._cells = cells
        return self._cells

    @property
    def total(self) -> Decimal:
        return self.standing.total if self.standing else Decimal(0)

    @property
    def scored(self) -> bool:
        """Without a sheet a member is "chưa chấm": neither ranked nor given 0 points."""
        return self.sheet is not None

    @property
    def difference(self) -> Decimal:
        """ "Chênh lệch": the cluster's total less the member's own, in points."""
        return self.total - self.self_total

    @property
    def state(self) -> str:
        """The state as machines read it (the API's `status`; `status_label` says it):
        unscored, draft, submitted, cross_checked, closed (the scoring meeting held)."""
        if self.sheet is None:
            return "unscored"
        if self.sheet.agreement.locked:
            return "closed"
        return "cross_checked" if self.sheet.cross_checked_at else self.sheet.status

    @property
    def status_label(self) -> str:
        if self.sheet is None:
            return gettext("Chưa chấm")
        if self.sheet.agreement.locked:
            return gettext("Đã bình xét")
        if self.sheet.cross_checked_at:
            return gettext("Đã chấm chéo")
        return self.sheet.get_status_display()

    @property
    def status_class(self) -> str:
        if self.sheet is None:
            return "none"
        if self.sheet.agreement.locked:
            return "closed"
        return "checked" if self.sheet.cross_checked_at else self.sheet.status
