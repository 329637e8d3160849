"""The calendar feeds the "late report" penalty: a penalty criterion that names
`late_reports` pre-fills each member's deduction with one point per report sent after the
cluster-year's deadline, or not sent by the end of its due day and still not sent (missing
counts as late, whatever the record's state), capped at its maximum, with the working
shown in local time; without it the penalty stays a person's score."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from emulation.scoring.criteria_io import parse_criteria_rows
from emulation.scoring.selectors import late_reports
from provinces.models import FiguresStatus, YearlyFigures
from tests.calendar_helpers import at, make_deadlines
from tests.factories import make_figures
from tests.scoring_helpers import HEADER, SMALL, build_agreement, cluster, data_for, leaf, unit

pytestmark = pytest.mark.django_db
YEAR = 2023
DUE = datetime.date(2024, 1, 15)
FED = [*SMALL[:-1], ("1", "Báo cáo chậm", "penalty", "3", "late_reports", "", "")]


def submitted_on(
    code: str, day: datetime.date, status: str = FiguresStatus.SUBMITTED, clock=datetime.time(10)
) -> None:
    record = make_figures(code, YEAR, status=status)
    moment = timezone.make_aware(datetime.datetime.combine(day, clock))
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
    assert late.working.note == "số liệu năm 2023: nộp muộn lúc 10:00 18/01/2024, hạn 15/01/2024"


def test_a_report_on_the_due_day_costs_nothing(fed_sheet):
    assert cell(fed_sheet, "12").self_points == Decimal(0)
    assert cell(fed_sheet, "12").working.note == "không có báo cáo nộp muộn"


def test_a_report_never_sent_is_penalised_like_a_late_one_and_the_working_says_so(fed_sheet):
    missing = cell(fed_sheet, "10")  # Lào Cai: no record at all, long past the due day
    assert missing.working.points == missing.self_points == Decimal(1)
    assert missing.working.note == "số liệu năm 2023: chưa nộp, quá hạn 15/01/2024"
    assert fed_sheet.points(fed_sheet.column(unit("10", YEAR).pk), leaf(fed_sheet, "IV.1")) == -1


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (FiguresStatus.RETURNED, "bị trả lại, chưa nộp lại, quá hạn 15/01/2024"),
        (FiguresStatus.DRAFT, "chưa nộp, quá hạn 15/01/2024"),
    ],
)
def test_a_report_returned_and_never_sent_again_or_left_a_draft_counts_as_late(status, said):
    build_agreement(year=YEAR, rows=FED)
    make_deadlines("tay-bac", YEAR, figures_due=DUE)
    # First sent on time, then returned (or a draft never sent): not sent by the due day.
    submitted_on("14", DUE - datetime.timedelta(days=5), status=status)
    sent_late = cell(data_for(year=YEAR), "14")
    assert sent_late.self_points == Decimal(1)
    assert sent_late.working.note == f"số liệu năm 2023: {said}"


def test_a_report_not_sent_before_the_due_day_is_over_is_not_late_yet():
    build_agreement(year=YEAR, rows=FED)
    make_deadlines("tay-bac", YEAR, figures_due=DUE)
    make_figures("14", YEAR, status=FiguresStatus.RETURNED)
    members = data_for(year=YEAR).members
    lao_cai, son_la = unit("10", YEAR).pk, unit("14", YEAR).pk
    on_the_day = late_reports(members, cluster("tay-bac"), YEAR, now=at("2024-01-15", "23:59"))
    assert on_the_day[lao_cai] == on_the_day[son_la] == []
    next_day = late_reports(members, cluster("tay-bac"), YEAR, now=at("2024-01-16", "00:00"))
    assert next_day[lao_cai] == ["số liệu năm 2023: chưa nộp, quá hạn 15/01/2024"]
    assert next_day[son_la] == ["số liệu năm 2023: bị trả lại, chưa nộp lại, quá hạn 15/01/2024"]


def test_the_working_judges_and_shows_the_submission_in_local_time(admin_client):
    """Due 15/01: 23:59 local on the due day is on time; 00:01 local on 16/01 (17:01 on
    15/01 in UTC) is late, and the working says 16/01 00:01, not the UTC day."""
    build_agreement(year=YEAR, rows=FED)
    make_deadlines("tay-bac", YEAR, figures_due=DUE)
    make_figures("14", YEAR, status=FiguresStatus.SUBMITTED)
    make_figures("12", YEAR, status=FiguresStatus.APPROVED)
    YearlyFigures.objects.filter(province=unit("12", YEAR)).update(
        submitted_at=at("2024-01-15", "23:59")
    )
    YearlyFigures.objects.filter(province=unit("14", YEAR)).update(
        submitted_at=at("2024-01-16", "00:01")
    )
    data = data_for(year=YEAR)
    assert cell(data, "12").self_points == Decimal(0)
    late = cell(data, "14")
    assert late.self_points == Decimal(1)
    assert late.working.note == "số liệu năm 2023: nộp muộn lúc 00:01 16/01/2024, hạn 15/01/2024"
    page = admin_client.get(reverse("scoring:sheet", args=["tay-bac", YEAR, "14"])).content
    assert "nộp muộn lúc 00:01 16/01/2024, hạn 15/01/2024" in page.decode()


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
