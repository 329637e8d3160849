"""Numbers as Vietnamese people type them: 11.084 (thousands), 1.637,5 (decimal comma).

One parser serves the web forms and the imports, so that "1.250" means one thousand two
hundred fifty wherever it is typed. A single dot followed by other than three digits
("236.8") is read as a decimal point, as people often type it that way.

Only the ASCII digits 0-9 are digits: a full-width "９４８" or an Arabic-Indic "9٥0" (which
Python's regular expressions and `str.isdigit()` accept) is not a number here.
"""

import re
from decimal import Decimal, InvalidOperation

_PLAIN = re.compile(r"^[0-9]+\Z")
_GROUPED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+\Z")


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
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in raw):
        return (
            f"“{raw}” không phải là số: có chữ số không phải 0–9 (chữ số toàn khổ hoặc "
            "Ả Rập), hãy gõ lại bằng bàn phím thường."
        )
    return f"“{raw}” không phải là số (viết kiểu Việt Nam: 11.084 hoặc 1.637,5)."


def is_ascii_digits(text: str) -> bool:
    """ "2024" yes; "２０２４", "٢٠٢٤" or "" no (unlike str.isdigit())."""
    return bool(_PLAIN.match(text))
