"""One number style for every output: pages, the report (HTML, PDF, Excel) and charts.

Each figure is shown with a fixed number of decimals (the data dictionary,
provinces.figures.spec, says how many for each indicator) and rounded half-up, as
Vietnamese reports round (236,85 → 236,9; never the banker's 236,8). Thousands are
grouped with dots and the decimal mark is a comma, whatever the active language: these
are the numbers of Vietnamese documents.
"""

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

PERCENT_DECIMALS = 1
# Scores are kept with one decimal (steps of 0,5) and shown exactly to that precision:
# 95, 87,5 (never 95,0 nor 20.0); a penalty or a negative total with a true minus: −1.
POINTS_DECIMALS = 1
MINUS = "\u2212"
PERCENT_SIGN = "\u00a0%"  # "69,6 %" with a space that never breaks the line
# Excel shows the number as a number; LCID 042A (Vietnamese) makes LibreOffice and
# Excel with a Vietnamese locale show 11.084 and 236,8.
_EXCEL_LOCALE = "[$-42A]"


def _decimal(value) -> Decimal | None:
    """`value` as a Decimal; None for None, "", a bool or what is not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _quantized(value, decimals: int, rounding: str) -> Decimal | None:
    number = _decimal(value)
    if number is None:
        return None
    try:
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)
    except InvalidOperation:  # infinite, NaN, or too many digits
        return None


def round_half_up(value, decimals: int) -> Decimal | None:
    """`value` rounded to `decimals` places, half away from zero. None stays None."""
    return _quantized(value, decimals, ROUND_HALF_UP)


def format_number(value, decimals: int = 0) -> str:
    """11084 → "11.084"; 236.8 with 1 decimal → "236,8"; 41 with 1 decimal → "41,0".
    Empty for None or what is not a number."""
    if isinstance(value, bool):
        return ""
    rounded = round_half_up(value, decimals)
    if rounded is None:
        return ""
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def format_exact(value) -> str:
    """Every decimal the value has and none added: 11084 → "11.084", Decimal("1637.50") →
    "1.637,5", 0.25 → "0,25". For counts, amounts people typed and messages quoting them;
    a figure of the data dictionary is shown with its own decimals (`format_number`).
    Empty for None or what is not a number."""
    return format_at_least(value, 0)


def format_percent(value, *, decimals: int = PERCENT_DECIMALS, signed: bool = False) -> str:
    """69.64 → "69,6 %"; signed: "+12,5 %", "−3,0 %", "0,0 %" (non-breaking space)."""
    rounded = round_half_up(value, decimals)
    if rounded is None:
        return ""
    if not signed:
        return f"{format_number(rounded, decimals)}{PERCENT_SIGN}"
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "")
    return f"{sign}{format_number(abs(rounded), decimals)}{PERCENT_SIGN}"


def format_points(value, *, signed: bool = False) -> str:
    """A score: rounded half-up to POINTS_DECIMALS, without a trailing zero decimal:
    95 → "95", 87.50 → "87,5", −1 → "−1"; signed (a difference): "+2", "−1,5", "0".
    Empty for None or what is not a number."""
    rounded = round_half_up(value, POINTS_DECIMALS)
    if rounded is None or isinstance(value, bool):
        return ""
    text = format_exact(abs(rounded))
    if rounded < 0:
        return MINUS + text
    return "+" + text if signed and rounded > 0 else text


def excel_number_format(decimals: int = 0) -> str:
    """The Excel number format showing `decimals` places with thousands grouped."""
    return _EXCEL_LOCALE + ("#,##0" if decimals == 0 else "#,##0." + "0" * decimals)


def excel_percent_format(decimals: int = PERCENT_DECIMALS, *, signed: bool = False) -> str:
    """For a cell holding a percentage as a number of percent (69.6, not 0.696); signed:
    what `format_percent(signed=True)` writes, "+12,5 %", "−3,0 %", "0,0 %"."""
    shown = excel_number_format(decimals) + '" %"'
    if not signed:
        return shown
    body = shown[len(_EXCEL_LOCALE) :]
    return f'{_EXCEL_LOCALE}"+"{body};"{MINUS}"{body};{body}'


def excel_points_format(value) -> str:
    """The Excel format of a score cell, showing what `format_points` writes: "95",
    "87,5", "−1" (one format per cell, as Excel cannot drop a zero decimal by itself)."""
    rounded = round_half_up(value, POINTS_DECIMALS)
    decimals = 0 if rounded is None or rounded == rounded.to_integral_value() else 1
    shown = excel_number_format(decimals)
    return f'{shown};"{MINUS}"{shown[len(_EXCEL_LOCALE) :]}'


def round_down(value, decimals: int) -> Decimal | None:
    """`value` cut to `decimals` places toward minus infinity (79.995 → 79.9, never 80.0):
    a figure shown beside a threshold it was compared with stays on its side of it."""
    return _quantized(value, decimals, ROUND_FLOOR)


def format_percent_down(value, decimals: int = PERCENT_DECIMALS) -> str:
    """A percentage cut down, never rounded up: 79.995 → "79,9 %", 80 → "80,0 %"."""
    cut = round_down(value, decimals)
    return "" if cut is None else f"{format_number(cut, decimals)}{PERCENT_SIGN}"


def format_at_least(value, decimals: int) -> str:
    """Every decimal the value has, and at least `decimals`: 42.51 with 0 → "42,51",
    236 with 1 → "236,0", 1637.5 with 0 → "1.637,5". A number shown as it was compared,
    never rounded. Empty for None or what is not a number."""
    number = _decimal(value)
    if number is None or not number.is_finite():
        return ""
    return format_number(number, max(decimals, -number.normalize().as_tuple().exponent))


def two_digits(count: int) -> str:
    """Counts of units in administrative prose: "07 tỉnh", "03 tập thể"."""
    return f"{count:02d}"
