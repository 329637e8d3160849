"""Writing spreadsheets people open: text that is shown, never run."""

from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def safe_text(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading = + - @ (or tab, CR) would make
    Excel read a formula (CSV/formula injection), so such text gets a leading quote."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_value(value: object) -> str:
    """A CSV field: numbers plain (dot decimal, no grouping) for programs, text safe."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # Decimal("1637.50") -> "1637.5", 1E+3 -> "1000"
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))
