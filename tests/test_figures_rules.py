"""Every validation rule of design.md, each with a case that fails without it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from provinces.figures.rules import figures_errors, figures_warnings
from provinces.models import YearlyFigures
from provinces.organisation.selectors import province_for_code
from tests.factories import GOOD_VALUES, make_figures

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 27)


def errors_for(year: int = 2024, code: str = "14", **changes) -> dict:
    return figures_errors(
        {**GOOD_VALUES, **changes}, province=province_for_code(code, year), year=year, today=TODAY
    )


def test_good_figures_have_no_errors():
    assert errors_for() == {}


@pytest.mark.parametrize("code", ["tht_total", "htx_members", "bulletins", "training_participants"])
def test_counts_may_not_be_negative(code):
    assert "không được âm" in errors_for(**{code: -1})[code][0]


@pytest.mark.parametrize("code", ["tht_avg_revenue", "htx_avg_revenue", "htx_avg_income"])
def test_averages_may_not_be_negative(code):
    assert "không được âm" in errors_for(**{code: Decimal("-1")})[code][0]


@pytest.mark.parametrize("code", ["tht_avg_profit", "htx_avg_profit"])
def test_profit_may_be_negative(code):
    assert errors_for(**{code: Decimal("-12")}) == {}


@pytest.mark.parametrize(
    ("part", "whole"),
    [("tht_new", "tht_total"), ("htx_new", "htx_total"), ("tht_agri", "tht_total")],
)
def test_a_part_may_not_exceed_its_whole(part, whole):
    message = errors_for(**{part: GOOD_VALUES[whole] + 1})[part][0]
    assert "không được lớn hơn" in message
    assert errors_for(**{part: GOOD_VALUES[whole]}) == {}


@pytest.mark.parametrize(
    ("profit", "revenue"),
    [("tht_avg_profit", "tht_avg_revenue"), ("htx_avg_profit", "htx_avg_revenue")],
)
def test_average_profit_may_not_exceed_average_revenue(profit, revenue):
    message = errors_for(**{profit: GOOD_VALUES[revenue] + 1})[profit][0]
    assert "không được lớn hơn" in message and "doanh thu" in message


def test_a_future_year_is_refused():
    assert "tương lai" in errors_for(year=2027, code="14")["year"][0]
    assert "year" not in errors_for(year=2026, code="14")


def test_the_year_must_fall_in_the_provinces_validity():
    old_lao_cai = province_for_code("10", 2024)
    errors = figures_errors(GOOD_VALUES, province=old_lao_cai, year=2025, today=TODAY)
    assert "không có hiệu lực" in errors["year"][0]


def test_one_record_per_province_and_year():
    make_figures("14", 2024)
    duplicate = YearlyFigures(province=province_for_code("14", 2024), year=2024, **GOOD_VALUES)
    with pytest.raises(ValidationError, match="mỗi tỉnh một bản ghi mỗi năm"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize(
    "changes",
    [
        {"tht_total": -1, "tht_new": 0, "tht_agri": 0},
        {"htx_new": 601},
        {"tht_agri": 1601},
        {"htx_avg_profit": Decimal("1700")},
        {"htx_avg_income": Decimal("-1")},
    ],
)
def test_the_database_refuses_what_validation_refuses(changes):
    figures = YearlyFigures(
        province=province_for_code("14", 2024), year=2024, **{**GOOD_VALUES, **changes}
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        figures.save()


def test_model_validation_applies_the_rules():
    figures = YearlyFigures(
        province=province_for_code("14", 2024), year=2024, **{**GOOD_VALUES, "htx_new": 601}
    )
    with pytest.raises(ValidationError) as caught:
        figures.full_clean()
    assert "htx_new" in caught.value.message_dict


class TestWarnings:
    def codes(self, previous=None, **changes) -> list[str]:
        return [w.code for w in figures_warnings({**GOOD_VALUES, **changes}, previous)]

    def test_good_figures_have_no_warnings(self):
        assert self.codes() == []
        assert self.codes(previous=GOOD_VALUES) == []

    def test_tht_members_below_two_per_group(self):
        assert self.codes(tht_members=3199) == ["tht_members"]
        assert self.codes(tht_members=3200) == []

    def test_htx_members_below_five_per_cooperative(self):
        assert self.codes(htx_members=2999) == ["htx_members"]
        assert self.codes(htx_members=3000) == []

    def test_a_change_of_more_than_half_against_last_year(self):
        previous = {**GOOD_VALUES, "tv_reports": 4}
        assert self.codes(previous=previous) == ["tv_reports"]  # 4 -> 9 is +125 %
        assert self.codes(previous={**GOOD_VALUES, "tv_reports": 6}) == []  # +50 % exactly

    def test_a_fall_of_more_than_half(self):
        assert self.codes(previous={**GOOD_VALUES, "online_posts": 400}) == ["online_posts"]

    def test_a_year_of_zeros(self):
        zeros = dict.fromkeys(GOOD_VALUES, 0)
        assert self.codes(**zeros) == ["__all__"]
