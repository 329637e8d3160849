"""The permission matrix of a yearly record: who may do what, in which state.

Personas for Sơn La's 2024 record in the Tây Bắc cluster: anonymous; staff of another
province (Điện Biên); Sơn La's own staff; the chair of 2024 (Lào Cai's staff); the chair
of another year (Phú Thọ's staff, chair in 2023); an admin; national staff (Liên minh HTX
Việt Nam: approved records of every cluster, no writes).
"""

import pytest
from django.urls import reverse

from provinces.models import FiguresStatus, YearlyFigures
from tests.factories import make_figures

pytestmark = pytest.mark.django_db

D, S, R, A = (
    FiguresStatus.DRAFT,
    FiguresStatus.SUBMITTED,
    FiguresStatus.RETURNED,
    FiguresStatus.APPROVED,
)
PERSONAS = ["anonymous", "other", "own", "chair", "chair_other_year", "admin", "national"]


@pytest.fixture
def personas(make_staff, admin_user, make_national):
    return {
        "anonymous": None,
        "other": make_staff("Điện Biên", 2024),
        "own": make_staff("Sơn La", 2024),
        "chair": make_staff("Lào Cai", 2024),
        "chair_other_year": make_staff("Phú Thọ", 2023),
        "admin": admin_user,
        "national": make_national(),
    }


def as_persona(client, personas, name):
    if personas[name] is not None:
        client.force_login(personas[name])
    return client


def url(name: str) -> str:
    return reverse(f"figures:{name}", args=[2024, "14"])


# status -> persona -> expected HTTP status of GET on the record's page
VIEW = {
    D: {
        "anonymous": 302,
        "other": 404,
        "own": 200,
        "chair": 200,
        "chair_other_year": 404,
        "admin": 200,
        "national": 404,
    },
    S: {
        "anonymous": 302,
        "other": 404,
        "own": 200,
        "chair": 200,
        "chair_other_year": 404,
        "admin": 200,
        "national": 404,
    },
    A: {
        "anonymous": 302,
        "other": 200,
        "own": 200,
        "chair": 200,
        "chair_other_year": 200,
        "admin": 200,
        "national": 200,
    },
}


@pytest.mark.parametrize("status", list(VIEW))
@pytest.mark.parametrize("persona", PERSONAS)
def test_view(client, personas, persona, status):
    make_figures("14", 2024, status=status)
    response = as_persona(client, personas, persona).get(url("detail"))
    assert response.status_code == VIEW[status][persona]


EDIT = {
    D: {
        "anonymous": 302,
        "other": 404,
        "own": 200,
        "chair": 403,
        "chair_other_year": 404,
        "admin": 200,
        "national": 404,
    },
    R: {
        "anonymous": 302,
        "other": 404,
        "own": 200,
        "chair": 403,
        "chair_other_year": 404,
        "admin": 200,
        "national": 404,
    },
    S: {
        "anonymous": 302,
        "other": 404,
        "own": 403,
        "chair": 403,
        "chair_other_year": 404,
        "admin": 403,
        "national": 404,
    },
    A: {
        "anonymous": 302,
        "other": 403,
        "own": 403,
        "chair": 403,
        "chair_other_year": 403,
        "admin": 403,
        "national": 403,
    },
}


@pytest.mark.parametrize("status", list(EDIT))
@pytest.mark.parametrize("persona", PERSONAS)
def test_edit(client, personas, persona, status):
    make_figures("14", 2024, status=status)
    response = as_persona(client, personas, persona).get(url("edit"))
    assert response.status_code == EDIT[status][persona]


# action -> (starting status, status after success, persona -> expected HTTP status)
ACTIONS = {
    "submit": (
        D,
        S,
        {
            "anonymous": 302,
            "other": 404,
            "own": 302,
            "chair": 403,
            "chair_other_year": 404,
            "admin": 302,
            "national": 404,
        },
    ),
    "return": (
        S,
        R,
        {
            "anonymous": 302,
            "other": 404,
            "own": 403,
            "chair": 302,
            "chair_other_year": 404,
            "admin": 302,
            "national": 404,
        },
    ),
    "approve": (
        S,
        A,
        {
            "anonymous": 302,
            "other": 404,
            "own": 403,
            "chair": 302,
            "chair_other_year": 404,
            "admin": 302,
            "national": 404,
        },
    ),
    "reopen": (
        A,
        R,
        {
            "anonymous": 302,
            "other": 403,
            "own": 403,
            "chair": 403,
            "chair_other_year": 403,
            "admin": 302,
            "national": 403,
        },
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_actions(client, personas, persona, action):
    start, after, expected = ACTIONS[action]
    figures = make_figures("14", 2024, status=start)
    response = as_persona(client, personas, persona).post(
        url(action),
        {"reason": "Lý do kiểm tra", "explanation": "", "seen_version": figures.version},
    )
    assert response.status_code == expected[persona]
    succeeded = persona not in {"anonymous"} and expected[persona] == 302
    assert YearlyFigures.objects.get(pk=figures.pk).status == (after if succeeded else start)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_actions_are_post_only(client, personas, action):
    make_figures("14", 2024, status=ACTIONS[action][0])
    client.force_login(personas["admin"])
    assert client.get(url(action)).status_code == 405


def test_history_is_shown_to_the_chair_and_admin_only(client, personas):
    make_figures("14", 2024)
    for persona, shown in [("own", False), ("chair", True), ("admin", True), ("national", False)]:
        client.force_login(personas[persona])
        assert ("Lịch sử thay đổi" in client.get(url("detail")).text) is shown


def test_a_code_meaning_nothing_that_year_is_404(client, personas):
    client.force_login(personas["admin"])
    assert client.get(reverse("figures:detail", args=[2026, "10"])).status_code == 404
