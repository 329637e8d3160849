"""The scoring's to-dos on the home page: self-scoring for the member's staff until the
sheet is submitted, then cross-checking for the chair until it is done; nothing once the
scoring meeting is recorded; the self-scores deadline drives the overdue marking."""

import pytest
from django.urls import reverse

from emulation.scoring.todos import scoring_todos
from provinces.calendar.obligations import snapshot
from tests.calendar_helpers import days_from_today, make_deadlines
from tests.scoring_helpers import build_agreement, cross_check, self_score

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("home_built_every_time")]
YEAR = 2024


@pytest.fixture
def people(make_staff, admin_user):
    return {
        "sonla": make_staff("Sơn La", YEAR),
        "dienbien": make_staff("Điện Biên", YEAR),
        "chair": make_staff("Lào Cai", YEAR),  # head of Tây Bắc 2024
        "admin": admin_user,
    }


def kinds(client, user) -> list[tuple[str, str]]:
    client.force_login(user)
    response = client.get(reverse("home"))
    return [
        (t.kind, t.owner.code)
        for t in response.context["todos"]
        if t.kind in ("self_score", "cross_check") and t.year == YEAR
    ]


def test_no_agreement_means_no_scoring_to_do(client, people):
    assert kinds(client, people["sonla"]) == []


def test_a_signed_agreement_asks_each_member_to_self_score(client, people):
    build_agreement(year=YEAR)
    assert kinds(client, people["sonla"]) == [("self_score", "14")]
    assert ("self_score", "14") not in kinds(client, people["dienbien"])
    assert kinds(client, people["admin"]) == []


def test_an_unsigned_agreement_asks_nothing(client, people):
    build_agreement(year=YEAR, sign=False)
    assert kinds(client, people["sonla"]) == []


def test_a_submitted_sheet_moves_to_the_chair_until_cross_checked(client, people):
    build_agreement(year=YEAR)
    self_score("14", {"II.1": 30}, year=YEAR)
    assert kinds(client, people["sonla"]) == []
    assert ("cross_check", "14") in kinds(client, people["chair"])
    assert ("cross_check", "14") not in kinds(client, people["dienbien"])
    cross_check("14", {"II.1": (30, "")}, year=YEAR)
    assert ("cross_check", "14") not in kinds(client, people["chair"])


def test_the_self_scores_deadline_marks_the_to_do_overdue(people):
    build_agreement(year=YEAR)
    make_deadlines("tay-bac", YEAR, self_scores_due=days_from_today(-1))
    snap = snapshot()
    todo = next(t for t in scoring_todos(snap) if t.owner.code == "14")
    assert todo.deadline == "self_scores_due"
    assert todo.is_overdue(snap.now)


def test_the_scoring_overview_shows_the_scoring_deadlines(client, people):
    build_agreement(year=YEAR)
    make_deadlines(
        "tay-bac",
        YEAR,
        self_scores_due=days_from_today(10),
        cross_check_due=days_from_today(20),
    )
    client.force_login(people["sonla"])
    response = client.get(reverse("scoring:overview", args=["tay-bac", YEAR]))
    shown = response.content.decode()
    assert 'data-testid="scoring-deadlines"' in shown
    assert days_from_today(10).strftime("%d/%m/%Y") in shown
    assert days_from_today(20).strftime("%d/%m/%Y") in shown
