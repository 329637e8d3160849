"""A chart per indicator by cluster: the report's inline SVG bars (emulation/reports/
charts.py), no script and no CDN, the same in the page and the PDF."""

from django.utils.safestring import SafeString

from emulation.reports.charts import Series, bar_chart
from provinces.figures.spec import INDICATORS, Indicator

from .selectors import NationalBoard, short_cluster_name


def board_charts(board: NationalBoard) -> list[tuple[Indicator, SafeString]]:
    """(indicator, chart) for every indicator of the data dictionary: each cluster's total
    of the year (a weighted average for an average), as its report counts it. The year
    before is the comparison table's, like with like: a bar of last year's members beside
    this year's total would compare different sets of provinces."""
    # The bars' labels have 150 of the chart's 640 units: a shorter name than the tables'.
    names = [short_cluster_name(item.cluster, 18) for item in board.clusters]
    charts = []
    for indicator in INDICATORS:
        code = indicator.code
        reports = [item.report for item in board.clusters]
        charts.append(
            (
                indicator,
                bar_chart(
                    title=indicator.label,
                    categories=names,
                    series=[
                        Series(
                            f"Năm {board.year}",
                            [r.totals[code] if r.totals else None for r in reports],
                        ),
                    ],
                    unit=indicator.unit,
                    decimals=indicator.decimals,
                ),
            )
        )
    return charts
