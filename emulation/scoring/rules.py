"""The scoring rules, as pure functions over plain values (no queries): bands, computed
criteria, the validation of a criteria tree, totals and the ranking with tie-breaks."""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from cluster_portal.number_style import (
    PERCENT_DECIMALS,
    PERCENT_SIGN,
    format_at_least,
    format_exact,
    format_percent,
    format_percent_down,
    format_points,
    round_half_up,
)
from cluster_portal.numbers import NumberFormatError, parse_vn_number
from provinces.figures.spec import BY_CODE, DISBURSEMENT_AMOUNT_DECIMALS, INDICATORS

from .models import COMPUTED_KINDS, TIE_BREAKS, CriterionKind

HUNDRED = Decimal(100)
HALF = Decimal("0.5")

# What a computed criterion may read: the data dictionary, and the disbursement register.
EXTRA_INDICATORS = {
    # `loans_count`, `loans_amount`: indicator codes of scoring-sheet files and stored
    # criteria, kept as published.
    "loans_count": ("Số lượt dự án được giải ngân (các quỹ)", "lượt"),
    "loans_amount": ("Số tiền giải ngân (các quỹ)", "triệu đồng"),
}


# What a penalty criterion may read instead of a person's score: the member's reports of
# the year sent after the cluster's deadline, or not sent by then and still not sent (its
# yearly figures, by provinces.figures.timeliness.figures_late_report).
LATE_REPORTS = "late_reports"
PENALTY_INDICATORS = {
    LATE_REPORTS: (
        "Số báo cáo nộp muộn hoặc quá hạn chưa nộp so với hạn của Cụm (chỉ cho loại penalty)",
        "báo cáo",
    ),
}


def is_known_indicator(code: str) -> bool:
    return code in BY_CODE or code in EXTRA_INDICATORS


def indicator_choices() -> list[tuple[str, str]]:
    extra = {**EXTRA_INDICATORS, **PENALTY_INDICATORS}
    return [(i.code, f"{i.code} — {i.label}") for i in INDICATORS] + [
        (code, f"{code} — {label}") for code, (label, _) in extra.items()
    ]


# Bands ---------------------------------------------------------------------------------

# A band is "≥ minimum: points" or "còn lại: points" ("otherwise" in English, as
# `bands_text` writes it there); both numbers are read by the portal's one number
# reader, so "≥ 12.858" is 12 858 and "≥ 99,5" is 99,5, the text `bands_text` writes
# reads back the same, and "≥ １００" or "4e1" are refused.
_BAND = re.compile(
    r"^\s*(?:(?:≥|>=)\s*(?P<min>[^:%]+?)\s*%?|(?P<other>còn lại|khác|otherwise|\*))"
    r"\s*:\s*(?P<pts>.+?)\s*$",
    re.I,
)


class BandsError(ValueError):
    """Bands text that cannot be read; the message is Vietnamese."""


def _decimal(text: str, part: str) -> str:
    """The number as stored in a band: "12858", "99.5"; else the reader's own message."""
    try:
        number = parse_vn_number(text)
    except NumberFormatError as exc:
        raise BandsError(f"Không đọc được mức “{part}”: {exc}") from None
    return format(number.normalize(), "f")


def parse_bands(text: str) -> list[list]:
    """ "≥ 100: 15; ≥ 80: 10; còn lại: 5" → [["100", "15"], ["80", "10"], [None, "5"]],
    highest minimum first."""
    bands = []
    for part in [p for p in re.split(r"[;\n]", text or "") if p.strip()]:
        match = _BAND.match(part)
        if not match:
            raise BandsError(
                f"Không đọc được mức “{part.strip()}”: viết dạng “≥ 80: 10” hoặc “còn lại: 5”, "
                "các mức cách nhau bởi dấu chấm phẩy."
            )
        minimum = None if match["other"] else _decimal(match["min"], part.strip())
        points = _decimal(match["pts"], part.strip())
        if Decimal(points) < 0:
            raise BandsError(f"Điểm của mức “{part.strip()}” không được âm.")
        bands.append([minimum, points])
    bands.sort(
        key=lambda b: Decimal(b[0]) if b[0] is not None else Decimal("-Infinity"), reverse=True
    )
    return bands


def bands_text(bands: list) -> str:
    parts = []
    for minimum, points in bands or []:
        head = gettext("còn lại") if minimum is None else f"≥ {format_exact(Decimal(minimum))}"
        parts.append(f"{head}: {format_exact(Decimal(points))}")
    return "; ".join(parts)


def band_points(bands: list, value: Decimal, *, unit: str = "") -> tuple[Decimal, str] | None:
    """The points of the first band whose minimum `value` reaches, and its label; None
    when no band covers the value (validation prevents that on a signed sheet)."""
    for minimum, points in bands:
        if minimum is None or value >= Decimal(minimum):
            if minimum is None:
                return Decimal(points), "còn lại"
            return Decimal(points), _band_label(minimum, unit)
    return None


@functools.lru_cache(maxsize=4096)
def _band_label(minimum, unit: str) -> str:
    """ "≥ 12.858", "≥ 80 %": worked out once per band (every member's cell shows it)."""
    return f"≥ {format_exact(Decimal(minimum))}{unit}"


def bands_problems(bands: list, max_points: Decimal, *, percent: bool) -> list[str]:
    problems = []
    if not bands:
        return ["chưa có khung điểm"]
    for _minimum, points in bands:
        if Decimal(points) > max_points:
            problems.append(
                f"mức {format_exact(Decimal(points))} điểm vượt điểm tối đa "
                f"{format_exact(max_points)}"
            )
        elif (Decimal(points) / HALF) % 1:
            # As a person's score: the working shows, and the meeting keeps, what it scores.
            problems.append(f"mức {format_exact(Decimal(points))} điểm không theo bước 0,5 điểm")
    lowest = bands[-1][0]
    if lowest is not None and Decimal(lowest) > 0:
        unit = PERCENT_SIGN if percent else ""
        problems.append(
            f"các mức không phủ mọi giá trị: giá trị dưới {format_exact(Decimal(lowest))}"
            f"{unit} chưa có điểm (thêm mức “còn lại”)"
        )
    return problems


# Computed criteria -----------------------------------------------------------------------


@dataclass
class Working:
    """How a computed score was reached, to show next to it."""

    points: Decimal | None
    value: Decimal | None = None
    denominator: Decimal | None = None
    target: Decimal | None = None
    ratio: Decimal | None = None  # attainment or share, in %
    band: str = ""
    note: str = ""


# What the working shows: never on the other side of a band edge from the band it scored.


def working_number(value, code: str) -> str:
    """A value or target in a computed criterion's working, exactly as it was compared:
    the indicator's decimals (the data dictionary; the register's for its extra codes) and
    every decimal the number has: a target of 42,51 new HTX is "42,51", never "43"."""
    decimals = BY_CODE[code].decimals if code in BY_CODE else DISBURSEMENT_AMOUNT_DECIMALS
    return format_at_least(value, decimals)


def attainment_text(ratio: Decimal | None, bands: list) -> str:
    """An attainment or share (in %) on the side of every band edge it was scored on,
    written with one decimal or as many as the finest edge has: rounded half-up as every
    percentage is, unless that would reach an edge the ratio is under; then cut down.
    79,995 % scoring "còn lại" below "≥ 80" is "79,9 %", never "80,0 %"; 68,75 % is
    "68,8 %"; 80 % is "80,0 %". The one rule for an attainment, wherever it is shown."""
    edges = [Decimal(minimum) for minimum, _points in bands or [] if minimum is not None]
    decimals = max([PERCENT_DECIMALS, *(-edge.normalize().as_tuple().exponent for edge in edges)])
    shown = round_half_up(ratio, decimals)
    if shown is not None and any(ratio < edge <= shown for edge in edges):
        return format_percent_down(ratio, decimals)
    return format_percent(ratio, decimals=decimals)


def late_penalty(criterion, *, late: list[str]) -> Working:
    """A penalty fed by the calendar: one point per late report (`late` names them),
    capped at the criterion's maximum; a person may still override it with a reason."""
    count = Decimal(len(late))
    note = "; ".join(late) if late else gettext("không có báo cáo nộp muộn")
    return Working(min(count, criterion.max_points), value=count, note=note)


def compute(criterion, values: dict | None, target: Decimal | None) -> Working:
    """The score of a target or band criterion from a member's approved values (a dict
    of indicator codes; None when the member has no approved figures)."""
    if values is None:
        return Working(None, note=gettext("chưa có số liệu được duyệt"))
    value = values.get(criterion.indicator)
    if value is None:
        return Working(None, note=gettext("thiếu số liệu %(code)s") % {"code": criterion.indicator})
    value = Decimal(value)
    if criterion.kind == CriterionKind.TARGET:
        if target is None:
            return Working(None, value=value, note=gettext("chưa có chỉ tiêu giao"))
        # A zero target asked nothing: the undertaking is met whatever the value.
        ratio = HUNDRED if target == 0 else value * HUNDRED / target
        found = band_points(criterion.bands, ratio, unit=PERCENT_SIGN)
        return Working(
            found[0] if found else None,
            value=value,
            target=target,
            ratio=ratio,
            band=found[1] if found else "",
            note="" if target else gettext("chỉ tiêu bằng 0: coi như hoàn thành"),
        )
    measured, denominator, ratio = value, None, None
    if criterion.denominator:
        denominator = values.get(criterion.denominator)
        if not denominator:
            return Working(None, value=value, note=gettext("mẫu số bằng 0: không tính được tỷ lệ"))
        denominator = Decimal(denominator)
        ratio = measured = value * HUNDRED / denominator
    found = band_points(
        criterion.bands, measured, unit=PERCENT_SIGN if criterion.denominator else ""
    )
    return Working(
        found[0] if found else None,
        value=value,
        denominator=denominator,
        ratio=ratio,
        band=found[1] if found else "",
    )


def points_problem(points: Decimal, max_points: Decimal) -> str | None:
    """A score given by a person: 0 … max in steps of 0,5."""
    if points < 0:
        return "Điểm không được âm."
    if points > max_points:
        return f"Điểm {format_exact(points)} vượt điểm tối đa {format_exact(max_points)}."
    if (points / HALF) % 1:
        return f"Điểm {format_exact(points)} không hợp lệ: chấm theo bước 0,5 điểm."
    return None


# The tree ------------------------------------------------------------------------------


def tree_problems(
    criteria: list, total: Decimal, member_ids: Iterable[int], targets: dict
) -> list[str]:
    """Why a sheet cannot be signed: leaf maxima (bonus and penalty aside) must add up to
    the declared total, each group to its children, computed criteria need an indicator
    and bands covering every value, and every member a target on every target criterion.
    `targets` maps (criterion id, province id) to a value."""
    problems = []
    children: dict = {}
    for c in criteria:
        children.setdefault(c.parent_id, []).append(c)
    scored = [
        c
        for c in criteria
        if c.kind not in (CriterionKind.GROUP, CriterionKind.BONUS, CriterionKind.PENALTY)
    ]
    if not criteria:
        return ["Bảng chấm điểm chưa có tiêu chí nào."]
    leaf_sum = sum((c.max_points for c in scored), Decimal(0))
    if leaf_sum != total:
        problems.append(
            f"Tổng điểm tối đa của các tiêu chí là {format_exact(leaf_sum)}, khác tổng "
            f"điểm đã công bố {format_exact(total)}."
        )
    for c in criteria:
        own = children.get(c.pk, [])
        if c.is_group:
            inner = sum(
                (
                    x.max_points
                    for x in _leaves(c, children)
                    if x.kind not in (CriterionKind.BONUS, CriterionKind.PENALTY)
                ),
                Decimal(0),
            )
            if not own:
                problems.append(f"Nhóm {c.number} chưa có tiêu chí nào.")
            elif inner != c.max_points and any(
                x.kind not in (CriterionKind.BONUS, CriterionKind.PENALTY) for x in own
            ):
                problems.append(
                    f"Nhóm {c.number}: điểm tối đa {format_exact(c.max_points)} khác tổng "
                    f"các tiêu chí con {format_exact(inner)}."
                )
            continue
        if own:
            problems.append(f"Tiêu chí {c.number} có tiêu chí con: đổi loại thành “nhóm”.")
        if c.kind in COMPUTED_KINDS:
            if not is_known_indicator(c.indicator):
                problems.append(f"Tiêu chí {c.number}: chưa chọn chỉ tiêu số liệu hợp lệ.")
            if c.denominator and not is_known_indicator(c.denominator):
                problems.append(f"Tiêu chí {c.number}: mẫu số “{c.denominator}” không có.")
            percent = c.kind == CriterionKind.TARGET or bool(c.denominator)
            for problem in bands_problems(c.bands, c.max_points, percent=percent):
                problems.append(f"Tiêu chí {c.number}: {problem}.")
        if c.kind == CriterionKind.TARGET:
            missing = [m for m in member_ids if (c.pk, m) not in targets]
            if missing:
                problems.append(
                    f"Tiêu chí {c.number}: còn {len(missing)} tỉnh chưa được giao chỉ tiêu."
                )
    return problems


def _leaves(node, children: dict) -> list:
    out = []
    for child in children.get(node.pk, []):
        out.extend(_leaves(child, children) if child.is_group else [child])
    return out


# Totals and ranking --------------------------------------------------------------------


@dataclass
class Standing:
    """A member's place: total and the tie-break values, then its rank."""

    key: object  # the province (or anything identifying the row)
    total: Decimal
    group1: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    vote: int = 0
    rank: int = 0
    groups: dict = field(default_factory=dict)


def cell_steps(score, working: Working | None, locked: bool) -> tuple:
    """A cell's steps: self points, whether they override the computed points, cluster
    points, whether they differ, the agreed and the final points. The one home of the rule
    (`stored_steps`, over plain values): `Cell` reads it, and `scoring_year` adds every
    member up with `stored_steps` without a `Cell`."""
    if score is None:
        return stored_steps(False, None, None, None, None, working, locked)
    return stored_steps(
        True,
        score.self_points,
        score.cluster_points,
        score.settled_points,
        score.final_points,
        working,
        locked,
    )


def stored_steps(
    stored: bool,
    own: Decimal | None,
    cluster: Decimal | None,
    settled: Decimal | None,
    final_points: Decimal | None,
    working: Working | None,
    locked: bool,
) -> tuple:
    """`cell_steps` over a stored score's points (`stored`: is there a score at all; then
    its self, cluster, settled and final points)."""
    self_points = own if own is not None else (working.points if working else None)
    if not stored:
        return self_points, False, None, False, self_points, self_points
    if settled is not None:
        agreed = settled
    elif cluster is not None:
        agreed = cluster
    else:
        agreed = self_points
    final = final_points if locked and final_points is not None else agreed
    override = working is not None and own is not None
    return (
        self_points,
        override,
        cluster,
        cluster is not None and cluster != self_points,
        agreed,
        final,
    )


def total_of(points_by_kind: Iterable[tuple[str, Decimal | None]]) -> Decimal:
    """Scored and bonus points added, penalty points subtracted; a missing score is 0."""
    total = Decimal(0)
    for kind, points in points_by_kind:
        if points is None:
            continue
        total += -points if kind == CriterionKind.PENALTY else points
    return total


def rank(standings: list[Standing], tie_breaks: list[str]) -> list[Standing]:
    """Highest total first, then the tie-breaks in the cluster's order; members equal on
    every key share a rank (1, 1, 3)."""
    keys = [k for k in tie_breaks if k in TIE_BREAKS]

    def sort_key(s: Standing) -> tuple:
        return (s.total, *[getattr(s, k) for k in keys])

    ordered = sorted(standings, key=sort_key, reverse=True)
    previous = None
    for position, standing in enumerate(ordered, start=1):
        current = sort_key(standing)
        standing.rank = previous[1] if previous and previous[0] == current else position
        previous = (current, standing.rank)
    return ordered


def score_out_of(total: Decimal, maximum: Decimal) -> str:
    """A total against the sheet's maximum, as a nomination writes it: "96/100 điểm"; past
    the maximum thanks to bonus points "104 điểm (thang 100, có điểm thưởng)", never
    "104/100"."""
    if total > maximum:
        return f"{format_points(total)} điểm (thang {format_points(maximum)}, có điểm thưởng)"
    return f"{format_points(total)}/{format_points(maximum)} điểm"
