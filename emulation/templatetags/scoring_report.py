"""The annual report's ranking section, from the scoring of the cluster-year."""

from django import template

from emulation.scoring.selectors import scoring_year

register = template.Library()


@register.inclusion_tag("scoring/report_ranking.html")
def scoring_ranking(cluster, year: int) -> dict:
    """Shown once the scoring meeting is recorded (the rule for reading others' scores);
    before that the report says the scoring is not finished."""
    data = scoring_year(cluster, year)
    return {"data": data, "recorded": data.result_recorded and bool(data.lines)}
