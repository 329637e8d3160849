"""Numbers as Vietnamese people type them: 11.084 (thousands), 1.637,5 (decimal comma).

One parser serves the web forms and the imports, so that "1.250" means one thousand two
hundred fifty wherever it is typed. A single dot followed by other than three digits
("236.8") is read as a decimal point, as people often type it that way.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils import formats

_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


class NumberFormatError(ValueError):
    pass


def parse_vn_number(text: str, *, integer: bool = False) -> Decimal | int:
    raw = str(text)
    value = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        raise NumberFormatError("Chưa nhập số.")
    sign = ""
    if value[0] in "+-":
        sign, value = ("-" if value[0] == "-" else ""), value[1:]
    whole, fraction = value, ""
    if "," in value:
        whole, _, fraction = value.partition(",")
        if "," in fraction or not _PLAIN.match(fraction):
            raise NumberFormatError(_bad(raw))
    elif value.count(".") == 1 and not _GROUPED.match(value):
        whole, _, fraction = value.partition(".")
        if not _PLAIN.match(fraction):
            raise NumberFormatError(_bad(raw))
    if _GROUPED.match(whole):
        whole = whole.replace(".", "")
    if not _PLAIN.match(whole):
        raise NumberFormatError(_bad(raw))
    try:
        number = Decimal(f"{sign}{whole}.{fraction or 0}")
    except InvalidOperation:
        raise NumberFormatError(_bad(raw)) from None
    if integer:
        if number != number.to_integral_value():
            raise NumberFormatError(f"“{raw}” phải là số nguyên.")
        return int(number)
    return number


def _bad(raw: str) -> str:
    return f"“{raw}” không phải là số (viết kiểu Việt Nam: 11.084 hoặc 1.637,5)."


def format_vn_number(value: Decimal | int | float | None) -> str:
    """11084 -> "11.084"; Decimal("1637.50") -> "1.637,5" (no trailing zeros)."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        value = (
            value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        )
    return formats.number_format(value, use_l10n=True, force_grouping=True)
