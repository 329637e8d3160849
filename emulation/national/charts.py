"""A chart per indicator by cluster: the report's inline SVG bars (emulation/reports/
charts.py), no script and no CDN, the same in the page and the PDF."""

from django.utils.safestring import SafeString

from emulation.reports.charts import Series, bar_chart
from provinces.figures.spec import INDICATORS, Indicator

from .selectors import NationalBoard


def board_charts(board: NationalBoard) -> list[tuple[Indicator, SafeString]]:
    """(indicator, chart) for every indicator of the data dictionary: each cluster's total
    (weighted average for an average) of the year and, beside it, of the year before for the
    members with figures in both years (like with like, as the comparison table)."""
    names = [item.cluster.name.replace("Cụm thi đua ", "Cụm ") for item in board.clusters]
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
                        Series(
                            f"Năm {board.year - 1} (cùng các tỉnh)",
                            [
                                r.previous_totals[code] if r.previous_totals else None
                                for r in reports
                            ],
                        ),
                    ],
                    unit=indicator.unit,
                    decimals=indicator.decimals,
                ),
            )
        )
    return charts
