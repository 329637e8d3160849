"""Writing a province's figures through the API: the same service and validation as the
edit page, dry run, idempotent re-send, optimistic locking, and the audit history."""

import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from cluster_portal.number_style import format_exact
from provinces.figures.spec import CODES
from provinces.models import FiguresStatus, YearlyFigures
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES, make_figures

pytestmark = pytest.mark.django_db

URL = f"{API}/figures/2024/14"


@pytest.fixture
def staff(make_staff):
    return make_staff("Sơn La", 2024)


@pytest.fixture
def token(staff):
    return token_for(staff, name="Phần mềm Sở")


def put(client, token, body, *, dry_run=False):
    return client.put(
        URL + ("?dry_run=true" if dry_run else ""),
        data=json.dumps(body, default=str),
        content_type="application/json",
        headers=bearer(token),
    )


def submit(client, token, body, *, dry_run=False):
    return client.post(
        URL + "/submit" + ("?dry_run=true" if dry_run else ""),
        data=json.dumps(body),
        content_type="application/json",
        headers=bearer(token),
    )


def body(version=None, **changes) -> dict:
    return {"version": version, "values": {**GOOD_VALUES, **changes}}


def snapshot() -> list:
    """Every figures record and history row, to prove that nothing changed."""
    return [
        list(YearlyFigures.objects.values()),
        list(YearlyFigures.history.values()),
    ]


def test_a_draft_is_created_then_updated_and_the_history_names_the_token(client, token, staff):
    created = put(client, token, body())
    assert created.status_code == 201
    assert created.json()["record"]["version"] == 1
    updated = put(client, token, body(version=1, tht_new=120))
    assert updated.status_code == 200
    assert {"field": "tht_new", "old": 100, "new": 120} in updated.json()["changes"]
    assert {"field": "version", "old": 1, "new": 2} in updated.json()["changes"]
    figures = YearlyFigures.objects.get(province__code="14", year=2024)
    assert (figures.tht_new, figures.version, figures.status) == (120, 2, "draft")
    reasons = [h.history_change_reason for h in figures.history.order_by("history_id")]
    assert reasons == ["API: Phần mềm Sở — Tạo mới", "API: Phần mềm Sở — Cập nhật số liệu"]
    assert {h.history_user for h in figures.history.all()} == {staff}


def test_a_dry_run_answers_what_would_change_and_changes_nothing(client, token):
    make_figures("14", 2024)
    before = snapshot()
    response = put(client, token, body(version=1, htx_total=650), dry_run=True)
    assert response.status_code == 200
    data = response.json()
    assert data["dry_run"] is True and data["changed"] is True
    assert data["changes"] == [
        {"field": "htx_total", "old": 600, "new": 650},
        {"field": "version", "old": 1, "new": 2},
    ]
    assert data["record"]["version"] == 2 and data["record"]["values"]["htx_total"] == 650
    assert snapshot() == before


def test_a_dry_run_of_a_new_record_creates_nothing(client, token):
    response = put(client, token, body(), dry_run=True)
    assert response.status_code == 200  # what would happen; 201 only when it happens
    assert response.json()["dry_run"] is True
    assert snapshot() == [[], []]


def test_a_dry_run_reports_the_errors_of_the_one_validation_path(client, token):
    make_figures("14", 2024)
    before = snapshot()
    response = put(client, token, body(version=1, htx_new=700, tht_avg_revenue="-1"), dry_run=True)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "rule_violation"
    errors = {}
    for error in response.json()["errors"]:
        errors.setdefault(error["field"].removeprefix("values."), []).append(error["detail"])
    assert errors["htx_new"] == [
        "Số HTX thành lập mới trong năm (700) không được lớn hơn tổng số HTX (cuối năm) (600)."
    ]
    assert "không được âm" in errors["tht_avg_revenue"][0]
    assert snapshot() == before
    # the real write gives the same answer, and changes nothing either
    real = put(client, token, body(version=1, htx_new=700, tht_avg_revenue="-1"))
    assert real.status_code == 422 and real.json()["errors"] == response.json()["errors"]
    assert snapshot() == before


def test_a_future_year_is_refused_by_the_rules(client, token, make_staff):
    response = client.put(
        f"{API}/figures/2999/14",
        data=json.dumps(body(), default=str),
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code in (404, 422)  # Sơn La's staff act for no unit in 2999


def test_re_sending_the_same_payload_changes_nothing(client, token):
    first = put(client, token, body(tht_avg_revenue="236.80"))
    assert first.status_code == 201
    before = snapshot()
    # the same values again: with the version now current, stale, or none at all
    for version in (1, None, 7):
        again = put(client, token, body(version=version, tht_avg_revenue="236.8"))
        assert again.status_code == 200
        assert again.json()["changed"] is False and again.json()["changes"] == []
    assert snapshot() == before
    assert YearlyFigures.history.count() == 1


def test_a_stale_version_is_refused_with_409(client, token):
    make_figures("14", 2024)
    assert put(client, token, body(version=1, tht_new=110)).status_code == 200
    before = snapshot()
    stale = put(client, token, body(version=1, tht_new=120))
    assert stale.status_code == 409
    assert "phiên bản 2" in stale.json()["detail"]
    assert snapshot() == before
    missing = put(client, token, body(version=None, tht_new=120))
    assert missing.status_code == 409


def test_submit_with_dry_run_then_for_real(client, token):
    make_figures("14", 2024)
    before = snapshot()
    dry = submit(client, token, {"version": 1}, dry_run=True)
    assert dry.status_code == 200
    assert {"field": "status", "old": "draft", "new": "submitted"} in dry.json()["changes"]
    assert snapshot() == before
    real = submit(client, token, {"version": 1})
    assert real.status_code == 200
    figures = YearlyFigures.objects.get()
    assert figures.status == FiguresStatus.SUBMITTED
    assert figures.history.first().history_change_reason == "API: Phần mềm Sở — Nộp số liệu"
    # once submitted the record is no longer the province's to change: sending the submit
    # again, or a write, conflicts with its state (409), it is not a lack of rights
    again = submit(client, token, {"version": 2})
    assert again.status_code == 409 and again.json()["code"] == "state_conflict"
    assert put(client, token, body(version=2, tht_new=1)).status_code == 409


def test_submit_with_a_stale_version_is_refused(client, token):
    make_figures("14", 2024)
    assert submit(client, token, {"version": 3}).status_code == 409
    assert YearlyFigures.objects.get().status == FiguresStatus.DRAFT


def test_warnings_need_an_explanation_before_submission(client, token):
    make_figures("14", 2023, status=FiguresStatus.APPROVED)
    make_figures("14", 2024, htx_total=1000)  # +67 % against 2023
    refused = submit(client, token, {"version": 1})
    assert refused.status_code == 422
    assert "giải trình" in refused.json()["detail"]
    assert any("Tổng số HTX" in w for w in refused.json()["warnings"])
    explained = submit(client, token, {"version": 1, "explanation": "Sáp nhập HTX cũ."})
    assert explained.status_code == 200


def test_bad_json_and_wrong_types_are_refused_without_a_500(client, token):
    broken = client.put(URL, data="{", content_type="application/json", headers=bearer(token))
    assert broken.status_code in (400, 422)
    wrong = put(client, token, {"version": None, "values": {**GOOD_VALUES, "tht_new": "nhiều"}})
    assert wrong.status_code == 422
    incomplete = put(client, token, {"version": None, "values": {"tht_new": 1}})
    assert incomplete.status_code == 422
    assert not YearlyFigures.objects.exists()


def _typed(values: dict) -> dict:
    return {code: format_exact(value) for code, value in values.items()}


def _state() -> tuple:
    figures = YearlyFigures.objects.get(province__code="14", year=2024)
    history = [
        (
            h.history_type,
            h.history_user_id,
            h.version,
            h.status,
            {code: getattr(h, code) for code in CODES},
        )
        for h in figures.history.order_by("history_id")
    ]
    fields = {f: getattr(figures, f) for f in (*CODES, "status", "version", "submitted_by_id")}
    return fields, history


def test_a_write_through_the_api_and_through_the_form_give_the_same_record_and_history(
    client, staff, token
):
    first = {**GOOD_VALUES}
    second = {**GOOD_VALUES, "tht_new": 120, "htx_avg_income": Decimal("52.8")}
    with transaction.atomic():
        client.force_login(staff)
        edit = reverse("figures:edit", args=[2024, "14"])
        assert client.post(edit, _typed(first)).status_code == 302
        assert client.post(edit, {**_typed(second), "seen_version": 1}).status_code == 302
        submit_url = reverse("figures:submit", args=[2024, "14"])
        submitted = client.post(submit_url, {"explanation": "", "seen_version": 2})
        assert submitted.status_code == 302
        by_form = _state()
        client.logout()
        transaction.set_rollback(True)
    assert not YearlyFigures.objects.exists()
    assert put(client, token, {"version": None, "values": first}).status_code == 201
    assert put(client, token, {"version": 1, "values": second}).status_code == 200
    assert submit(client, token, {"version": 2}).status_code == 200
    by_api = _state()
    assert by_api == by_form
    assert by_api[0]["status"] == "submitted" and len(by_api[1]) == 3


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e400", "12.345", "-0.5"])
def test_odd_money_values_are_refused_without_a_500(client, token, value):
    response = put(client, token, body(tht_avg_revenue=value))
    assert response.status_code == 422
    assert not YearlyFigures.objects.exists()


@pytest.mark.parametrize("path", ["/figures/99999/14", "/figures/2024/%2E%2E", "/figures/0/14"])
def test_odd_paths_are_refused_without_a_500(client, token, path):
    response = client.get(API + path, headers=bearer(token))
    assert response.status_code in (404, 422)
