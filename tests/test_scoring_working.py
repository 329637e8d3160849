"""The working never contradicts the score (issue 21): values and targets exactly as they
were compared, and an attainment never shown on the other side of a band edge from the
band it scored, on the member's sheet as in every output."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cluster_portal.number_style import PERCENT_SIGN, format_at_least, format_percent_down
from emulation.scoring.render import render_summary_html, render_summary_xlsx
from emulation.scoring.rules import (
    attainment_text,
    bands_problems,
    compute,
    parse_bands,
    working_number,
)
from provinces.models import FiguresStatus
from tests.factories import make_figures
from tests.scoring_helpers import build_agreement, data_for, leaf, unit

pytestmark = pytest.mark.django_db
BANDS = parse_bands("≥ 100: 40; ≥ 80: 30; còn lại: 10")


class C:
    kind = "target"
    indicator = "htx_new"
    denominator = ""
    bands = BANDS


def pct(text: str) -> str:
    return text + PERCENT_SIGN


def test_an_attainment_just_under_a_band_edge_is_shown_under_it():
    working = compute(C(), {"htx_new": D("15999")}, D("20000"))  # 79,995 %
    assert working.ratio == D("79.995")
    assert (working.points, working.band) == (D(10), "còn lại")
    assert attainment_text(working.ratio, C.bands) == pct("79,9")  # never "80,0 %"
    at_edge = compute(C(), {"htx_new": D(16)}, D(20))
    assert (at_edge.points, attainment_text(at_edge.ratio, C.bands)) == (D(30), pct("80,0"))


def test_an_edge_with_more_decimals_shows_the_attainment_with_as_many():
    fine = parse_bands("≥ 99,95: 5; còn lại: 0")
    assert attainment_text(D("99.949"), fine) == pct("99,94")
    assert attainment_text(D("99.95"), fine) == pct("99,95")
    assert attainment_text(D(1) * 100 / 3, []) == pct("33,3")


def test_away_from_an_edge_an_attainment_is_rounded_as_every_percentage():
    assert attainment_text(D("68.75"), parse_bands("≥ 70: 20; ≥ 60: 15; còn lại: 5")) == pct("68,8")
    assert attainment_text(D("80.06"), C.bands) == pct("80,1")
    assert attainment_text(D("79.94"), C.bands) == pct("79,9")


def test_the_number_writer_cuts_down_and_keeps_every_decimal():
    assert format_percent_down(D("79.999")) == pct("79,9")
    assert format_percent_down(None) == ""
    assert format_at_least(D("42.51"), 0) == "42,51"
    assert format_at_least(D("236"), 1) == "236,0"


def test_a_target_and_a_value_are_written_exactly():
    assert working_number(D("42.51"), "htx_new") == "42,51"  # never "43"
    assert working_number(D("42.50"), "htx_new") == "42,5"
    assert working_number(D(42), "htx_new") == "42"
    assert working_number(D(236), "tht_avg_revenue") == "236,0"


@pytest.fixture
def just_under():
    """Sơn La founded 34 HTX against a target of 42,51: 79,98 %, the band below 80 %."""
    build_agreement(targets={"14": D("42.51")})
    make_figures("14", 2023, status=FiguresStatus.APPROVED, htx_new=34)
    return data_for()


def test_the_sheet_shows_the_exact_target_and_the_attainment_on_its_bands_side(
    just_under, admin_client
):
    cell = just_under.column(unit("14").pk).cells[leaf(just_under, "I.1").pk]
    assert cell.working.ratio < 80 and cell.self_points == D(10)
    page = admin_client.get(reverse("scoring:sheet", args=["tay-bac", 2023, "14"]))
    html = page.content.decode()
    assert "chỉ tiêu: 42,51" in html
    assert f"đạt {pct('79,9')}" in html
    assert pct("80,0") not in html  # 79,98 % rounded half-up would claim the band above
    assert "mức còn lại → 10 điểm" in html


def test_the_summary_scores_what_the_sheet_shows(just_under):
    """The summary prints points, no working: Sơn La's line I.1 holds the points of the
    band its working shows (10, the band below 80 %, not 30), in the PDF's text and in the
    Excel cell, and no rounded attainment anywhere."""
    html = render_summary_html(just_under)
    assert pct("80,0") not in html
    sheet = load_workbook(io.BytesIO(render_summary_xlsx(just_under))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "STT")
    line = next(r for r in rows if r[1] == "   Thành lập mới HTX")
    assert line[header.index(unit("14").name)] == 10


def test_a_band_scores_in_steps_of_half_a_point_as_a_person_does():
    """13,33 points would be shown 13,3 and could not be kept at the meeting (one decimal)."""
    thirds = parse_bands("≥ 100: 20; ≥ 80: 13,33; còn lại: 6,5")
    assert bands_problems(thirds, D(20), percent=True) == [
        "mức 13,33 điểm không theo bước 0,5 điểm"
    ]
    assert bands_problems(BANDS, D(40), percent=True) == []
