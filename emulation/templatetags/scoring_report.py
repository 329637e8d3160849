"""The annual report's ranking section, from the scoring of the cluster-year; the value
a computed criterion read, written as the data dictionary says."""

from django import template

from emulation.scoring.rules import bands_text, working_number
from emulation.scoring.selectors import recorded_with_criteria, scoring_year

register = template.Library()


@register.inclusion_tag("scoring/report_ranking.html")
def scoring_ranking(cluster, year: int, report=None) -> dict:
    """Shown once the scoring meeting is recorded (the rule for reading others' scores);
    before that the report says the scoring is not finished, read from the agreement alone
    (one query): the scoring year is built only when its ranking is printed. `report`:
    the annual report it is printed in, whose members, term, disbursement totals and approved
    records of the year the scoring year reuses instead of reading them again."""
    if not recorded_with_criteria(cluster, year):
        return {"data": {"year": year}, "recorded": False}
    if report is None:
        data = scoring_year(cluster, year)
    else:
        data = scoring_year(
            cluster,
            year,
            members=report.members,
            term=report.term,
            disbursements=report.disbursements,
            approved=report.approved_records,
        )
    return {"data": data, "recorded": data.result_recorded and bool(data.lines)}


@register.filter
def indicator_value(value, code: str) -> str:
    """`{{ w.value|indicator_value:c.indicator }}`: a value of a computed criterion's working
    as the sheet writes it (`rules.working_number`): the dictionary's decimals (1.637; 51,3)
    and every decimal it has, never rounded across a band edge; a ratio's parts too."""
    return working_number(value, code)


@register.filter
def bands_as_text(bands) -> str:
    """A criterion's bands as they are typed: "≥ 12.858: 10; còn lại: 2"."""
    return bands_text(bands)
