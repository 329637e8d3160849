"""The parts of an achievement report that every kind of nominee shares: paragraphs and
particulars written with the form's blanks where a value is still missing (the form asks
for it; the document never explains it), the awards-received table from the register,
and the cooperative's business figures against the year before."""

from cluster_portal.number_style import format_exact, format_number, format_percent
from provinces.figures.aggregation import percent_change

from .content import Para, Row, Table

BLANK = "……………………"


def paragraphs(text: str) -> list[Para]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [Para(line) for line in lines] or [Para(BLANK)]


def particular(label: str, value) -> Para:
    """ "- Địa chỉ trụ sở chính: …": a line of the form's particulars."""
    shown = value if value not in (None, "") else BLANK
    return Para(f"- {label}: {shown}", indent=True)


def awards_table(awards) -> Table:
    """The awards received (emulation/awards): year, award, decision number, date and
    issuer; a row of dashes when none is recorded."""
    rows = [
        Row(
            [
                str(record.year),
                record.award,
                record.decision_number,
                f"{record.decision_date:%d/%m/%Y}",
                record.issuer,
            ]
        )
        for record in awards
    ] or [Row(["—"] * 5)]
    return Table(
        ["Năm", "Hình thức khen thưởng", "Số quyết định", "Ngày quyết định", "Cơ quan ban hành"],
        rows,
        widths=[1.0, 4.4, 2.4, 1.8, 3.2],
        align="clccl",
    )


# (field, label, unit, money?) of the business table; the "_before" field is the year before.
BUSINESS_ROWS = (
    ("revenue", "Tổng doanh thu", "triệu đồng", True),
    ("profit", "Lợi nhuận", "triệu đồng", True),
    ("taxes", "Nộp ngân sách nhà nước", "triệu đồng", True),
    ("members", "Số thành viên", "thành viên", False),
    ("workers", "Số lao động thường xuyên", "người", False),
    ("avg_income", "Thu nhập bình quân của lao động", "triệu đồng/người/năm", True),
)


def _shown(value, money: bool) -> str:
    if value is None:
        return "—"
    if not money:
        return format_exact(value)
    return format_number(value, 1 if value % 1 else 0)


def business_table(report, year: int, names: tuple[str, ...]) -> Table:
    """The figures the province typed for the year and the year before, with the change."""
    rows = []
    for name, label, unit, money in BUSINESS_ROWS:
        if name not in names:
            continue
        now = getattr(report, name) if report else None
        before = getattr(report, f"{name}_before") if report else None
        change = percent_change(now, before) if now is not None and before else None
        rows.append(
            Row(
                [
                    label,
                    unit,
                    _shown(before, money),
                    _shown(now, money),
                    format_percent(change, signed=True) if change is not None else "—",
                ]
            )
        )
    return Table(
        ["Chỉ tiêu", "Đơn vị", f"Năm {year - 1}", f"Năm {year}", "Tăng/giảm"],
        rows,
        widths=[5.0, 3.0, 1.7, 1.7, 1.4],
        align="llrrr",
        font_size=10,
    )
