"""Figures in templates, written the one way the data dictionary says."""

from django import template

from provinces.figures.spec import format_indicator

register = template.Library()


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
