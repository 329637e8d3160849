"""The overview's bar chart: each member's total split by criteria group, as inline SVG
(no script, no style attribute: the CSP allows neither)."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cluster_portal.number_style import format_points

from .selectors import ScoringYear

PENALTY_COLOUR = "#c1121f"  # the penalty's text after the total
COLOURS = ("#a4161a", "#e07a1f", "#f4c430", "#2a9d8f", "#264653", "#6c757d", "#8e5572")


def groups_chart(data: ScoringYear) -> SafeString:
    """Horizontal stacked bars in ranking order, each as long as the member's total as the
    table prints it (penalties subtracted, bonus added). The groups with points share the
    bar in proportion to their points; a group with negative points (penalty) shortens it
    and is named after the total in red ("53 (trừ 1)"), the label being the bar's end."""
    groups = data.top_groups
    columns = data.ranked_columns
    label_width, bar, gap, width = 130, 16, 8, 640
    plot = width - label_width - 70
    top = 30 + 16 * ((len(groups) + 2) // 3)
    height = top + (bar + gap) * len(columns) + 6
    scale = max((float(data.agreement.total_points) if data.agreement else 100), 1.0)
    scale = max([scale, *[float(c.total) for c in columns]])
    title = gettext("Tổng điểm thi đua năm %(year)s theo nhóm tiêu chí") % {"year": data.year}
    minus = gettext("trừ")  # a penalty after the total: "53 (trừ 1)"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart" data-testid="scoring-chart">',
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for index, group in enumerate(groups):
        x, y = (index % 3) * 210, 26 + 16 * (index // 3)
        parts.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{COLOURS[index % len(COLOURS)]}"/>'
            f'<text x="{x + 14}" y="{y + 9}" font-size="11">'
            f"{escape(group.number)}. {escape(group.title[:28])}</text>"
        )
    # Each group's colour and escaped number, once (not per member × group).
    keyed = [
        (group.pk, COLOURS[index % len(COLOURS)], escape(group.number))
        for index, group in enumerate(groups)
    ]
    zero = Decimal(0)
    shown: dict = {}  # points -> as the bar's title writes them, once per value

    def points_text(points: Decimal) -> str:
        text = shown.get(points)
        if text is None:
            text = shown[points] = escape(format_points(points))
        return text

    for row, column in enumerate(columns):
        y = top + row * (bar + gap)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar - 4}" font-size="12" text-anchor="end">'
            f"{escape(column.province.name)}</text>"
        )
        x = float(label_width)
        line_points = column.line_points  # what `data.points` reads
        shares = [(pk, colour, number, line_points[pk] or zero) for pk, colour, number in keyed]
        gross = sum((points for *_, points in shares if points > 0), zero)
        taken = sum((-points for *_, points in shares if points < 0), zero)
        total = column.total
        # The bar's length is the total; each group's part of it is its share of the points
        # before the penalty (so the colours keep their proportions).
        length_total = max(float(total), 0.0) / scale * plot
        for _pk, colour, number, points in shares:
            if points <= 0 or gross <= 0:
                continue
            length = float(points / gross) * length_total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar}" '
                f'fill="{colour}"><title>{number}: '
                f"{points_text(points)}</title></rect>"
            )
            x += length
        end = label_width + length_total
        penalty = ""
        if taken:
            penalty = (
                f'<tspan fill="{PENALTY_COLOUR}"> ({minus} {escape(format_points(taken))})</tspan>'
            )
        parts.append(
            f'<text x="{end + 4:.1f}" y="{y + bar - 4}" font-size="12">'
            f"{escape(format_points(total))}{penalty}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
