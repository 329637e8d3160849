"""The calendar feeds the "late report" penalty: a penalty criterion that names
`late_reports` pre-fills each member's deduction with one point per report sent after the
cluster-year's deadline (capped at its maximum), with the working shown; without it the
penalty stays a person's score."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from emulation.scoring.criteria_io import parse_criteria_rows
from provinces.models import FiguresStatus, YearlyFigures
from tests.calendar_helpers import make_deadlines
from tests.factories import make_figures
from tests.scoring_helpers import HEADER, SMALL, build_agreement, data_for, leaf, unit

pytestmark = pytest.mark.django_db
YEAR = 2023
DUE = datetime.date(2024, 1, 15)
FED = [*SMALL[:-1], ("1", "Báo cáo chậm", "penalty", "3", "late_reports", "", "")]


def submitted_on(code: str, day: datetime.date) -> None:
    record = make_figures(code, YEAR, status=FiguresStatus.SUBMITTED)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    YearlyFigures.objects.filter(pk=record.pk).update(submitted_at=moment)


@pytest.fixture
def fed_sheet():
    build_agreement(year=YEAR, rows=FED)
    make_deadlines("tay-bac", YEAR, figures_due=DUE)
    submitted_on("14", DUE + datetime.timedelta(days=3))  # Sơn La: late
    submitted_on("12", DUE)  # Lai Châu: on the due day
    return data_for(year=YEAR)


def cell(data, code: str):
    return data.column(unit(code, YEAR).pk).cells[leaf(data, "IV.1").pk]


def test_a_late_report_pre_fills_one_point_of_penalty_with_its_working(fed_sheet):
    late = cell(fed_sheet, "14")
    assert late.working.points == Decimal(1)
    assert late.self_points == Decimal(1)
    assert "hạn 15/01/2024" in late.working.note and "18/01/2024" in late.working.note


def test_a_report_on_the_due_day_or_none_at_all_costs_nothing(fed_sheet):
    assert cell(fed_sheet, "12").self_points == Decimal(0)
    assert cell(fed_sheet, "10").self_points == Decimal(0)  # Lào Cai sent nothing yet


def test_the_total_subtracts_the_fed_penalty(fed_sheet):
    column = fed_sheet.column(unit("14", YEAR).pk)
    assert fed_sheet.points(column, leaf(fed_sheet, "IV.1")) == Decimal(-1)


def test_without_a_deadline_nothing_is_late():
    build_agreement(year=YEAR, rows=FED)
    submitted_on("14", DUE + datetime.timedelta(days=3))
    assert cell(data_for(year=YEAR), "14").self_points == Decimal(0)


def test_a_penalty_that_names_no_indicator_stays_a_persons_score():
    build_agreement(year=YEAR)
    make_deadlines("tay-bac", YEAR, figures_due=DUE)
    submitted_on("14", DUE + datetime.timedelta(days=3))
    assert cell(data_for(year=YEAR), "14").working is None


def test_a_penalty_may_read_only_the_late_reports():
    parsed = parse_criteria_rows(
        [HEADER, *SMALL[:-1], ("1", "Báo cáo chậm", "penalty", "3", "htx_new", "", "")]
    )
    assert parsed.errors and "late_reports" in parsed.errors[0][1]
