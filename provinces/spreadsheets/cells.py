"""One spreadsheet cell read strictly: a count, an amount, a code, a year, a date or text.

Every reader raises ValueError with a Vietnamese message for the person who typed the
cell (never Python's own text). Excel gives numbers and dates typed values; text is read
the Vietnamese way ("11.084", "1.637,5", "05/06/2025") with ASCII digits only.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, gettext_lazy

from cluster_portal.number_style import format_exact
from cluster_portal.numbers import NumberFormatError, is_ascii_digits, parse_vn_number

# The bounds of the web forms: PostgreSQL integers, Decimal(14, 2).
MAX_COUNT = 2_000_000_000
MAX_MONEY = Decimal(10) ** 12
BLANK_CELL = gettext_lazy("Ô trống: hãy nhập số (0 nếu không có).")
_DMY = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")


def _(message: str, **values: object) -> str:
    """`message` in the reader's language, with its %(name)s values filled in."""
    return gettext(message) % values


def shown(value: object) -> str:
    """A cell as the person saw it, for messages."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return format_exact(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A text cell with its spacing tidied ("" for a blank cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).replace("\u00a0", " ").split())


def number(value: object, *, integer: bool) -> int | Decimal:
    """A count (int) or an amount (Decimal, at most 2 decimal places)."""
    if is_blank(value):
        raise ValueError(str(BLANK_CELL))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        raise ValueError(_("“%(value)s” là ngày tháng, không phải số.", value=shown(value)))
    if isinstance(value, str):
        try:
            result = Decimal(parse_vn_number(value, integer=integer))
        except NumberFormatError as exc:
            raise ValueError(str(exc)) from None
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(_("“%(value)s” không phải là số.", value=value))
        try:
            result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” không phải là số.", value=value)) from None
        if not result.is_finite():
            raise ValueError(_("“%(value)s” không phải là số.", value=value))
    else:
        raise ValueError(_("“%(value)s” không phải là số.", value=shown(value)))
    if integer:
        if result != result.to_integral_value():
            raise ValueError(_("“%(value)s” phải là số nguyên.", value=shown(value)))
        if abs(result) > MAX_COUNT:
            raise ValueError(_("Số %(value)s quá lớn.", value=format_exact(result)))
        return int(result)
    if result != result.quantize(Decimal("0.01")):
        raise ValueError(_("“%(value)s”: nhập tối đa 2 chữ số sau dấu phẩy.", value=shown(value)))
    if abs(result) >= MAX_MONEY:
        raise ValueError(_("Số %(value)s quá lớn.", value=format_exact(result)))
    return result


def decimal_of(value: object) -> Decimal | None:
    """The number a cell holds with every decimal it has (an Excel number as it is, text the
    Vietnamese way), or None when it holds none: for a rule about its decimals, checked
    before `number` reads it strictly."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            return Decimal(parse_vn_number(value))
        except NumberFormatError:
            return None
    if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
        result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return result if result.is_finite() else None
    return None


def province_code(value: object) -> str | None:
    """ "25", 25, 4 -> "04", 4.0: the 2-digit code, or None when the cell is no code."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and is_ascii_digits(value.strip()) and len(value.strip()) <= 2:
        return value.strip().zfill(2)
    return None


def year(value: object) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and is_ascii_digits(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return value
    return None


def date(value: object) -> datetime.date:
    """An Excel date cell, or text dd/mm/yyyy (ASCII digits)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    shown_text = text(value)
    if not shown_text:
        raise ValueError(gettext("Chưa nhập ngày."))
    match = _DMY.match(shown_text)
    if not match:
        if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in shown_text):
            raise ValueError(
                _(
                    "Ngày “%(value)s” có chữ số không phải 0–9 (chữ số toàn khổ hoặc Ả Rập): "
                    "hãy gõ lại dạng ngày/tháng/năm, ví dụ 05/06/2025.",
                    value=shown_text,
                )
            )
        raise ValueError(
            _(
                "Ngày “%(value)s” không đúng dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 05/06/2025.",
                value=shown_text,
            )
        )
    day, month, year_ = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(
            _(
                "Ngày “%(value)s” không có thật: không có tháng %(month)s.",
                value=shown_text,
                month=month,
            )
        )
    last = calendar.monthrange(year_, month)[1] if year_ >= 1 else 31
    if not 1 <= day <= last:
        raise ValueError(
            _(
                "Ngày “%(value)s” không có thật: "
                "tháng %(month)s năm %(year)s chỉ có %(last)s ngày.",
                value=shown_text,
                month=month,
                year=year_,
                last=last,
            )
        )
    try:
        return datetime.date(year_, month, day)
    except ValueError:  # year 0
        raise ValueError(_("Ngày “%(value)s” không có thật.", value=shown_text)) from None
