"""One number style: the decimals of the data dictionary, half-up rounding, Vietnamese
separators, on every output."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cluster_portal.number_style import (
    excel_number_format,
    excel_percent_format,
    format_number,
    format_percent,
    round_half_up,
)
from provinces.figures.spec import BY_CODE, format_indicator, round_indicator
from tests.excel_display import excel_display
from tests.factories import make_figures


def test_rounding_is_half_up_everywhere():
    assert round_half_up(Decimal("236.85"), 1) == Decimal("236.9")  # banker's would give 236,8
    assert format_number(Decimal("0.25"), 1) == "0,3"
    assert format_percent(Decimal("12.25"), signed=True) == "+12,3\u00a0%"
    assert format_percent(Decimal("-3"), signed=True) == "−3,0\u00a0%"
    assert format_percent(Decimal("69.65")) == "69,7\u00a0%"


def test_a_signed_percent_reads_in_excel_as_format_percent_writes_it():
    signed = excel_percent_format(signed=True)
    for value in (Decimal("12.3"), Decimal("-3"), Decimal("0"), Decimal("1250.5")):
        shown = excel_display(float(value), signed)
        assert shown == format_percent(value, signed=True).replace("\u00a0", " "), value
    assert excel_display(-3.0, excel_percent_format()) == "-3,0 %"  # unsigned: Excel's own minus


def test_fixed_decimals_and_vietnamese_separators():
    assert format_number(11084) == "11.084"
    assert format_number(Decimal("41"), 1) == "41,0"
    assert format_number(Decimal("1905.6"), 0) == "1.906"
    assert format_number(Decimal("-0.04"), 1) == "0,0"
    assert format_number(None) == "" and format_number("abc") == ""


def test_each_indicator_has_its_decimals():
    assert {c: BY_CODE[c].decimals for c in ("tht_avg_revenue", "htx_avg_revenue")} == {
        "tht_avg_revenue": 1,
        "htx_avg_revenue": 0,
    }
    assert format_indicator("htx_avg_revenue", Decimal("1621.4")) == "1.621"
    assert format_indicator("htx_avg_income", Decimal("41")) == "41,0"
    assert round_indicator("tht_total", Decimal("11084")) == 11084
    assert excel_number_format(1).endswith("#,##0.0")


@pytest.mark.django_db
def test_a_merged_units_record_page_shows_rounded_figures(client, admin_user):
    # Lào Cai (2025) compares with Lào Cai + Yên Bái of 2024: a weighted average with
    # endless decimals, shown with the indicator's decimals.
    make_figures("10", 2024, htx_total=612, htx_avg_revenue=Decimal("1585"))
    make_figures("15", 2024, htx_total=311, htx_avg_revenue=Decimal("1651"))
    make_figures("15", 2025, htx_avg_revenue=Decimal("1700"))
    client.force_login(admin_user)
    text = client.get(reverse("figures:detail", args=[2025, "15"])).text
    row = text.split('data-code="htx_avg_revenue"')[1].split("</tr>")[0]
    assert "1.700" in row and "1.607" in row  # (612×1585 + 311×1651) / 923 = 1607,24…
    tables = "".join(
        re.findall(
            r'<table class="table table-sm mb-0 align-middle figures-table">.*?</table>', text, re.S
        )
    )
    assert not re.search(r"\d,\d{2,}", tables)
