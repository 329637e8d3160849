"""Figures in templates, written the one way the data dictionary says."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from provinces.figures.spec import format_indicator

register = template.Library()


@register.simple_tag
def status_badge(figures) -> str:
    """`{% status_badge record %}`: the record's state as a badge, "Chưa nhập" without
    one. A tag, not an included template: the year page writes one per member. (The
    line break after it is the one the template it replaces ended with: the pages stay
    the same, byte for byte.)"""
    if figures:
        return format_html(
            '<span class="badge status-{}" data-testid="status">{}</span>\n',
            figures.status,
            figures.get_status_display(),
        )
    return format_html(
        '<span class="badge text-bg-light border" data-testid="status">{}</span>\n',
        gettext("Chưa nhập"),
    )


@register.filter
def figure(values, code: str) -> str:
    """`{{ totals|figure:"tht_avg_revenue" }}` → "236,8": the value of `code` in a dict or
    a record, with the decimals of the data dictionary. Empty when there is none."""
    if values is None:
        return ""
    value = values.get(code) if isinstance(values, dict) else getattr(values, code, None)
    return format_indicator(code, value)


@register.filter
def as_figure(value, code: str) -> str:
    """`{{ row.value|as_figure:row.indicator.code }}`: a bare value of indicator `code`."""
    return format_indicator(code, value)
