"""The one fetch-and-check of a province-year (provinces/figures/lookups.py,
provinces/disbursements/lookups.py): 404 when the user may not read it, 403 when they may only
read it and asked to write; the pages and the API answer each request alike.

Personas around Sơn La (14) in Tây Bắc 2024, its record a draft: anonymous, Điện Biên's
staff (another member), Lai Châu's staff (the vice-head: an ordinary member for figures
and disbursements), Sơn La's own staff, Lào Cai's staff (the chair), an admin.
"""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from cluster_portal import access
from provinces.disbursements.lookups import get_disbursements_for_user
from provinces.figures.lookups import get_figures_for_user
from provinces.models import FiguresStatus
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES, make_disbursement, make_figures

pytestmark = pytest.mark.django_db

STAFF = {"other": "Điện Biên", "vice": "Lai Châu", "own": "Sơn La", "chair": "Lào Cai"}
PERSONAS = ["anonymous", "other", "vice", "own", "chair", "admin"]


@pytest.fixture
def users(make_staff, admin_user):
    people = {persona: make_staff(name, 2024) for persona, name in STAFF.items()}
    return {**people, "admin": admin_user, "anonymous": AnonymousUser()}


@pytest.fixture
def son_la_2024():
    make_disbursement("14", "2024-03-05", "120")
    return make_figures("14", 2024, status=FiguresStatus.DRAFT)


def outcome(helper, user, *args, **kwargs) -> int:
    request = RequestFactory().get("/")
    request.user = user
    try:
        helper(request, *args, **kwargs)
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return 200


# persona -> (read, write) of Sơn La's 2024 draft and of its disbursement register
FIGURES = {
    "anonymous": (404, 404),
    "other": (404, 404),
    "vice": (404, 404),
    "own": (200, 200),
    "chair": (200, 403),
    "admin": (200, 200),
}
DISBURSEMENTS = FIGURES  # the same matrix: the chair reads every member's register, writes none


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_figures_helper_answers_the_read_rule(users, son_la_2024, persona):
    user = users[persona]
    read = outcome(get_figures_for_user, user, 2024, "14")
    write = outcome(get_figures_for_user, user, 2024, "14", allowed=access.can_edit_figures)
    assert (read, write) == FIGURES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_disbursement_list_helper_answers_the_read_rule(users, son_la_2024, persona):
    user = users[persona]
    read = outcome(get_disbursements_for_user, user, 2024, "14")
    write = outcome(get_disbursements_for_user, user, 2024, "14", write=True)
    assert (read, write) == DISBURSEMENTS[persona]


def test_an_approved_record_is_read_by_every_member_and_written_by_nobody(users):
    make_figures("14", 2024, status=FiguresStatus.APPROVED)
    for persona in ("other", "vice", "own", "chair", "admin"):
        assert outcome(get_figures_for_user, users[persona], 2024, "14") == 200
        edit = outcome(
            get_figures_for_user, users[persona], 2024, "14", allowed=access.can_edit_figures
        )
        assert edit == 403


@pytest.mark.parametrize("code", ["10", "99"])
def test_a_code_that_means_no_unit_that_year_is_not_found(users, code):
    # 10 (Lào Cai) was retired by the 2025 merger; 99 never existed.
    assert outcome(get_figures_for_user, users["admin"], 2025, code) == 404
    assert outcome(get_disbursements_for_user, users["admin"], 2025, code) == 404


def page(client, user, url: str) -> int:
    client.force_login(user)
    status = client.get(url).status_code
    client.logout()
    return status


def api(client, user, method: str, path: str, body=None) -> int:
    kwargs = {"headers": bearer(token_for(user))}
    if body is not None:
        kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
    return getattr(client, method)(API + path, **kwargs).status_code


@pytest.mark.parametrize("persona", ["other", "vice", "own", "chair", "admin"])
def test_pages_and_api_answer_alike(client, users, son_la_2024, persona):
    user = users[persona]
    read, write = FIGURES[persona]
    body = {"version": son_la_2024.version, "values": GOOD_VALUES}
    assert page(client, user, reverse("figures:detail", args=[2024, "14"])) == read
    assert api(client, user, "get", "/figures/2024/14") == read
    assert page(client, user, reverse("figures:edit", args=[2024, "14"])) == write
    assert api(client, user, "put", "/figures/2024/14?dry_run=true", body) == write
    read, write = DISBURSEMENTS[persona]
    assert page(client, user, reverse("disbursements:list", args=[2024, "14"])) == read
    assert api(client, user, "get", "/loans/2024/14") == read
    assert page(client, user, reverse("disbursements:add", args=[2024, "14"])) == write


def test_anonymous_visitors_are_sent_to_log_in_or_refused(client, son_la_2024):
    assert client.get(reverse("figures:detail", args=[2024, "14"])).status_code == 302
    assert client.get(reverse("disbursements:list", args=[2024, "14"])).status_code == 302
    assert client.get(f"{API}/figures/2024/14").status_code == 401
    assert client.get(f"{API}/loans/2024/14").status_code == 401
