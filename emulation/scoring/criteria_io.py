"""Reading a scoring sheet (the criteria of an agreement) from Excel or CSV rows.

One module, pure: rows in, criteria specs or per-row errors out, so that the one upload
pipeline can call it like any other parser. Columns (first row, any order, case aside):

    number, title, kind, max_points, indicator, denominator, bands, target:<province code>…

- number: Vietnamese numbering; a Roman numeral (I, II…) opens a top-level group, "1"
  a criterion under the last group, "1.1" one under the last "1", and so on;
- kind: group | judged | target | band | bonus | penalty;
- max_points: 0 … in steps of 0,5 ("2,5" or "2.5");
- indicator / denominator: codes of the data dictionary (or loans_count, loans_amount);
  a penalty row may name late_reports: one point per report sent after the deadline or
  still not sent past it;
- bands: "≥ 100: 15; ≥ 80: 10; còn lại: 5";
- target:25, target:10 …: the target of that member (province code) on a target row.

Every number cell is read by the portal's cell reader (provinces.spreadsheets.cells, the
one number reader behind it): Excel numbers as they are, text the Vietnamese way
("12.000" is twelve thousand, "2,5" two and a half); a bad cell names its row and column.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from cluster_portal.number_style import format_exact
from emulation.conference.models import ROMAN
from provinces.spreadsheets import cells as cell_reader

from .models import COMPUTED_KINDS, CriterionKind
from .rules import LATE_REPORTS, BandsError, is_known_indicator, parse_bands

COLUMNS = ("number", "title", "kind", "max_points", "indicator", "denominator", "bands")
# A scoring sheet has tens of criteria; a few hundred rows is already far more.
MAX_ROWS = 500
REQUIRED = ("number", "title", "kind", "max_points")
TARGET_PREFIX = "target:"
NUMBER = re.compile(r"^\d+(\.\d+)*$")
# What the criterion's fields hold (emulation.scoring.models.Criterion): a row beyond them
# is refused here, naming its row, not by the save with a message naming none.
NUMBER_MAX_LENGTH = 12
MAX_POINTS = Decimal(1000)


@dataclass
class CriterionSpec:
    row: int
    number: str
    level: int
    title: str
    kind: str
    max_points: Decimal
    indicator: str = ""
    denominator: str = ""
    bands: list = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # province code -> Decimal
    parent_row: int | None = None


@dataclass
class CriteriaParse:
    specs: list[CriterionSpec]
    errors: list[tuple[int, str]]  # (row number in the file, message)
    target_codes: list[str]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _number(value, *, column: str) -> Decimal:
    """A non-negative number cell, or ValueError naming the column."""
    try:
        number = cell_reader.number(value, integer=False)
    except ValueError as exc:
        raise ValueError(f"cột {column}: {str(exc).rstrip('.')}") from None
    if number < 0:
        raise ValueError(f"cột {column}: “{cell_reader.shown(value)}” phải là số không âm")
    return number


def _level(number: str) -> int | None:
    if not number:
        return None
    if ROMAN.match(number):
        return 0
    if NUMBER.match(number):
        return number.count(".") + 1
    return None


def parse_criteria_rows(rows: list) -> CriteriaParse:
    """Specs in file order with their parent row, or the errors of every bad row."""
    rows = [r for r in rows if r and any(_text(c) for c in r)]
    if not rows:
        return CriteriaParse([], [(1, "Tệp không có dòng nào.")], [])
    header = [_text(c).lower() for c in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return CriteriaParse(
            [], [(1, f"Thiếu cột: {', '.join(missing)} (dòng đầu là tên cột).")], []
        )
    index = {name: header.index(name) for name in COLUMNS if name in header}
    target_columns = {
        h[len(TARGET_PREFIX) :].strip(): i
        for i, h in enumerate(header)
        if h.startswith(TARGET_PREFIX)
    }
    specs, errors = [], []
    last_at_level: dict[int, CriterionSpec] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(header) - len(row))

        def cell(name: str, cells=cells) -> str:
            return _text(cells[index[name]]) if name in index else ""

        problems = []
        number = cell("number").rstrip(".").upper()
        level = _level(number)
        if level is None:
            problems.append(f"số thứ tự “{number}” không hợp lệ (I, II…; 1, 2…; 1.1…)")
        elif len(number) > NUMBER_MAX_LENGTH:
            problems.append(f"số thứ tự “{number}” dài quá {NUMBER_MAX_LENGTH} ký tự")
        title = cell("title")
        if not title:
            problems.append("thiếu nội dung tiêu chí")
        elif len(title) > 500:
            problems.append("nội dung tiêu chí dài quá 500 ký tự")
        kind = cell("kind").lower()
        if kind not in CriterionKind.values:
            problems.append(f"loại “{kind}” không có (chọn: {', '.join(CriterionKind.values)})")
        try:
            max_points = _number(cells[index["max_points"]], column="max_points")
            if max_points * 2 % 1:
                raise ValueError(
                    f"cột max_points: điểm tối đa {format_exact(max_points)} phải theo bước 0,5"
                )
            if max_points > MAX_POINTS:
                raise ValueError(
                    f"cột max_points: điểm tối đa {format_exact(max_points)} quá lớn (tối đa "
                    f"{format_exact(MAX_POINTS)}, như tổng điểm của giao ước)"
                )
        except ValueError as exc:
            problems.append(str(exc).rstrip("."))
            max_points = Decimal(0)
        indicator, denominator = cell("indicator"), cell("denominator")
        bands = []
        if kind in COMPUTED_KINDS:
            if not is_known_indicator(indicator):
                problems.append(f"chỉ tiêu số liệu “{indicator}” không có trong danh mục")
            if denominator and not is_known_indicator(denominator):
                problems.append(f"mẫu số “{denominator}” không có trong danh mục")
            try:
                bands = parse_bands(cell("bands"))
            except BandsError as exc:
                problems.append(str(exc).rstrip("."))
            if not bands and not any("khung" in p for p in problems):
                problems.append("chưa có khung điểm")
        if kind == CriterionKind.PENALTY and indicator and indicator != LATE_REPORTS:
            problems.append(
                f"tiêu chí trừ điểm chỉ đọc được “{LATE_REPORTS}” (báo cáo nộp muộn), không đọc "
                f"“{indicator}”"
            )
        targets = {}
        for code, column in target_columns.items():
            raw = cells[column] if column < len(cells) else None
            if not _text(raw):
                continue
            if kind != CriterionKind.TARGET:
                problems.append(f"chỉ tiêu của tỉnh {code} chỉ ghi ở dòng loại target")
                continue
            try:
                targets[code] = _number(raw, column=f"{TARGET_PREFIX}{code}")
            except ValueError as exc:
                problems.append(str(exc).rstrip("."))
        parent = None
        if level is not None and level > 0:
            parent = last_at_level.get(level - 1)
            if parent is None:
                problems.append(f"không có nhóm cấp trên cho số thứ tự {number}")
            elif parent.kind != CriterionKind.GROUP:
                problems.append(
                    f"tiêu chí {parent.number} (dòng {parent.row}) có tiêu chí con nên phải là "
                    "loại group"
                )
        if problems:
            errors.append((row_number, "; ".join(problems) + "."))
            continue
        spec = CriterionSpec(
            row=row_number,
            number=number,
            level=level,
            title=title,
            kind=kind,
            max_points=max_points,
            indicator=indicator
            if kind in COMPUTED_KINDS or (kind == CriterionKind.PENALTY and indicator)
            else "",
            denominator=denominator if kind == CriterionKind.BAND else "",
            bands=bands,
            targets=targets,
            parent_row=parent.row if parent else None,
        )
        specs.append(spec)
        last_at_level[level] = spec
        for deeper in [k for k in last_at_level if k > level]:
            del last_at_level[deeper]
    if not specs and not errors:
        # Only the header: importing it would replace the agreement's criteria with none.
        errors.append(
            (1, "Tệp chỉ có dòng tên cột, không có tiêu chí nào: bảng tiêu chí giữ nguyên.")
        )
    return CriteriaParse(specs, errors, list(target_columns))
