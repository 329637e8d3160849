"""Issue 21's small scoring truths: the overview chart's bars end at the totals the table
prints."""

import re
from decimal import Decimal

import pytest

from cluster_portal.number_style import format_points
from emulation.scoring.chart import groups_chart
from tests.scoring_helpers import data_for

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<text x="[\d.]+" y="[\d.]+" font-size="12" text-anchor="end">([^<]+)</text>'
    r"((?:<rect [^>]*><title>[^<]*</title></rect>)*)"
    r'<text x="([\d.]+)" y="[\d.]+" font-size="12">([^<]+)(?:<tspan[^>]*>([^<]*)</tspan>)?</text>'
)
WIDTH = re.compile(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"')


def test_every_bar_ends_at_the_members_total(demo_data):
    data = data_for()
    svg = str(groups_chart(data))
    viewbox = re.search(r'viewBox="0 0 (\d+) ', svg)
    label_width, plot = 130, int(viewbox.group(1)) - 130 - 70
    scale = max([float(data.agreement.total_points), *[float(c.total) for c in data.columns]])
    rows = {
        name: (bars, float(x), label, taken) for name, bars, x, label, taken in ROW.findall(svg)
    }
    assert set(rows) == {c.province.name for c in data.columns}
    penalised = 0
    for column in data.ranked_columns:
        bars, label_x, label, taken = rows[column.province.name]
        rects = [(float(x), float(w)) for x, w in WIDTH.findall(bars)]
        end = rects[-1][0] + rects[-1][1]
        # The bar's end, read as points on the chart's scale, is the total the table prints.
        assert abs((end - label_width) / plot * scale - float(column.total)) < 0.15
        assert abs(label_x - 4 - end) < 0.15
        assert label == format_points(column.total)
        penalty = sum(-p for p in column.group_totals.values() if p < 0)
        if penalty:
            penalised += 1
            assert taken == f" (trừ {format_points(penalty)})"
        else:
            assert not taken
    # The demo's Điện Biên lost a point for a late report: its bar ends at 53, not 54.
    assert penalised >= 1
    dien_bien = next(c for c in data.columns if c.province.name == "Điện Biên")
    assert dien_bien.total == sum(dien_bien.group_totals.values(), Decimal(0))
