"""Bar charts as inline SVG, so they stay sharp in the PDF and need no JavaScript."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cluster_portal.number_style import format_number

COLOURS = ("#a4161a", "#adb5bd")


@dataclass
class Series:
    label: str
    values: list[Decimal | int | None]


def bar_chart(
    *, title: str, categories: list[str], series: list[Series], unit: str, decimals: int = 0
) -> SafeString:
    """Horizontal grouped bars, one group per category (province), labelled with values
    written with `decimals` places (those of the indicator shown)."""
    label_width, bar_height, gap, width = 150, 14, 10, 640
    plot_width = width - label_width - 90
    group_height = bar_height * len(series) + gap
    top = 44
    height = top + group_height * len(categories) + 10
    largest = max((v for s in series for v in s.values if v is not None), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart" '
        'font-family="&apos;Report Serif&apos;, serif">',
        f'<text x="0" y="14" class="chart-title">{escape(title)} ({escape(unit)})</text>',
    ]
    for index, item in enumerate(series):
        x = label_width + index * 170
        parts.append(
            f'<rect x="{x}" y="24" width="10" height="10" fill="{COLOURS[index % 2]}"/>'
            f'<text x="{x + 14}" y="33" class="chart-legend">{escape(item.label)}</text>'
        )
    for row, category in enumerate(categories):
        y = top + row * group_height
        parts.append(
            f'<text x="{label_width - 6}" y="{y + group_height / 2}" class="chart-label" '
            f'text-anchor="end">{escape(category)}</text>'
        )
        if all(item.values[row] is None for item in series):
            parts.append(
                f'<text x="{label_width + 4}" y="{y + group_height / 2}" class="chart-value" '
                'fill="#333">không có số liệu</text>'
            )
            continue
        for index, item in enumerate(series):
            value = item.values[row]
            bar_y = y + index * bar_height
            if value is None:
                continue
            length = float(value) / float(largest) * plot_width
            parts.append(
                f'<rect x="{label_width}" y="{bar_y}" width="{length:.1f}" '
                f'height="{bar_height - 2}" fill="{COLOURS[index % 2]}"/>'
                f'<text x="{label_width + length + 4:.1f}" y="{bar_y + bar_height - 4}" '
                f'class="chart-value" fill="#333">{escape(format_number(value, decimals))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
