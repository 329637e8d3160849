"""Vietnamese presentation helpers for templates and generated documents."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

register = template.Library()


def nd30_date(value: datetime.date) -> str:
    """The running-text date of Nghị định 30/2020/NĐ-CP: "ngày 05 tháng 02 năm 2025".

    Days below 10 and the months 1 and 2 take a leading zero; other months do not.
    """
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {day} tháng {month} năm {value.year}"


@register.filter(name="nd30_date")
def nd30_date_filter(value) -> str:
    if not isinstance(value, datetime.date):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return nd30_date(value)


@register.filter
def year(value) -> str:
    """A year as a plain number: 2023, never the grouped 2.023."""
    return "" if value is None else str(value)


@register.filter
def vn_number(value) -> str:
    """11084 -> "11.084", Decimal("1637.50") -> "1.637,5"; empty for None."""
    from provinces.numbers import format_vn_number

    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    return format_vn_number(value)


@register.filter
def vn_percent(value) -> str:
    """A signed percentage with one decimal: "+12,5 %", "−3 %"."""
    from provinces.numbers import format_vn_number

    if value is None:
        return ""
    rounded = round(value, 1)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "")
    return f"{sign}{format_vn_number(abs(rounded))} %"


@register.filter
def vn_round(value, places=1) -> str:
    """A number rounded to `places` decimals, Vietnamese style: 236,8; 1.637; 69,6."""
    from provinces.numbers import format_vn_number

    if value is None or value == "":
        return ""
    quantum = Decimal(1).scaleb(-int(places))
    return format_vn_number(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))
