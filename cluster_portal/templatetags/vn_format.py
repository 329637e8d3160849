"""Vietnamese presentation helpers for templates and generated documents."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from cluster_portal.number_style import format_exact, format_number, format_percent, format_points

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
    """11084 -> "11.084", Decimal("1637.50") -> "1.637,5"; empty for None (number_style.
    format_exact). For a figure of the data dictionary use the `figure` filter of
    figures_format instead: it has fixed decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    return format_exact(value)


@register.filter
def vn_points(value) -> str:
    """A score as every output writes it (number_style.format_points): 95; 87,5; −1."""
    return format_points(value)


@register.filter
def vn_points_signed(value) -> str:
    """A difference of scores: "+2", "−1,5", "0" (number_style.format_points)."""
    return format_points(value, signed=True)


@register.filter
def vn_percent(value) -> str:
    """A signed percentage with one decimal, rounded half-up: "+12,5 %", "−3,0 %"."""
    return format_percent(value, signed=True)


@register.filter
def vn_percent_plain(value) -> str:
    """A share with one decimal, rounded half-up: "69,6 %"."""
    return format_percent(value)


@register.filter
def vn_round(value, places=0) -> str:
    """A number with exactly `places` decimals, rounded half-up: 236,8; 1.637; 69,6."""
    return format_number(value, int(places))
