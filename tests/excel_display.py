"""What a spreadsheet program shows for a cell, from its value and number format, for the
formats the portal writes (cluster_portal/number_style): `[$-42A]` (Vietnamese: `.`
groups thousands, `,` marks decimals), up to three sections (positive; negative, shown
without its own minus; zero), quoted text, `#,##0` with or without decimals. So a test
reads an Excel file as its reader sees it, not only its values and cell types."""

import re
from decimal import ROUND_HALF_UP, Decimal

LOCALE = "[$-42A]"
_NUMBER = re.compile(r"#,##0(?:\.(0+))?")


def _section(number_format: str, value: float) -> tuple[str, bool]:
    """The section that shows `value`, and whether the value is shown without its sign."""
    sections = number_format.split(";")
    if value < 0 and len(sections) > 1:
        return sections[1], True
    if value == 0 and len(sections) > 2:
        return sections[2], False
    return sections[0], False


def excel_display(value, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    assert number_format.startswith(LOCALE), number_format
    section, unsigned = _section(number_format[len(LOCALE) :], value)
    number = Decimal(str(value))
    if unsigned:
        number = abs(number)
    match = _NUMBER.search(section)
    assert match, number_format
    decimals = len(match.group(1) or "")
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    shown = section[: match.start()] + text + section[match.end() :]
    return shown.replace('"', "")
