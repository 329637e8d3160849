"""The pages' access matrix, repeated through the API for every endpoint and persona.

Personas around Sơn La (14) in Tây Bắc 2024 (tests/api_support.py): no token, Sơn La's
staff with an expired and with a revoked token, Điện Biên's staff (another member), Sơn
La's own staff, Lào Cai's staff (chair of 2024), an admin, national staff (every
cluster's approved records, every loan register, no writes whatever the token).
"""

import json

import pytest

from provinces.models import Disbursement, FiguresStatus, YearlyFigures
from tests.api_support import API, PERSONAS, bearer, persona_tokens
from tests.factories import GOOD_VALUES, make_disbursement, make_figures
from tests.test_cluster_year import build_cluster

pytestmark = pytest.mark.django_db

D, A = FiguresStatus.DRAFT, FiguresStatus.APPROVED
UNAUTHORISED = {"no_token": 401, "expired": 401, "revoked": 401}


@pytest.fixture
def tokens(make_staff, admin_user):
    return persona_tokens(make_staff, admin_user)


def call(client, tokens, persona, method, path, body=None):
    kwargs = {"headers": bearer(tokens[persona])}
    if body is not None:
        kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
    return getattr(client, method)(API + path, **kwargs)


def expect(table: dict) -> dict:
    return {**UNAUTHORISED, **table}


# endpoint -> persona -> HTTP status, with Sơn La's 2024 record as a draft
READS = {
    "/provinces?year=2024": expect(
        {"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200}
    ),
    # Every unit ever, codes reused (15: Yên Bái until its merger) sorted by validity.
    "/provinces": expect({"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200}),
    "/provinces?code=15": expect(
        {"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200}
    ),
    "/clusters?year=2024": expect(
        {"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200}
    ),
    "/clusters/tay-bac/2024": expect(
        {"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200}
    ),
    "/clusters/tay-bac/2024/figures": expect(
        {"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200}
    ),
    "/clusters/tay-bac/2024/figures.csv": expect(
        {"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200}
    ),
    "/clusters/tay-bac/2024/report": expect(
        {"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200}
    ),
    "/figures/2024/14": expect(
        {"other": 404, "own": 200, "chair": 200, "admin": 200, "national": 404}
    ),
    "/loans/2024/14": expect(
        {"other": 404, "own": 200, "chair": 200, "admin": 200, "national": 200}
    ),
}


@pytest.mark.parametrize("path", list(READS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_reads(client, tokens, persona, path):
    make_figures("14", 2024, status=D)
    make_disbursement("14", "2024-03-05", "120")
    response = call(client, tokens, persona, "get", path)
    assert response.status_code == READS[path][persona], response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_approved_record_is_read_by_every_member(client, tokens, persona):
    make_figures("14", 2024, status=A)
    expected = expect({"other": 200, "own": 200, "chair": 200, "admin": 200, "national": 200})
    assert call(client, tokens, persona, "get", "/figures/2024/14").status_code == expected[persona]


@pytest.mark.parametrize("persona", ["other", "own", "chair", "admin", "national"])
def test_a_draft_is_withheld_from_other_members_in_every_format(client, tokens, persona):
    make_figures("14", 2024, status=D, tht_new=77)
    sees = persona not in ("other", "national")
    data = call(client, tokens, persona, "get", "/clusters/tay-bac/2024/figures").json()
    row = next(m for m in data["members"] if m["province"]["code"] == "14")
    assert row["status"] == "draft"
    assert row["withheld"] is not sees
    assert (row["values"] is not None) is sees
    csv = call(client, tokens, persona, "get", "/clusters/tay-bac/2024/figures.csv").text
    assert (",2024,77," in csv.replace("\r", "")) is sees or ("14,2024" in csv) is sees
    # The report is one document (issue 21): a record not approved is not counted, for
    # every reader, its own province and the chair included.
    report = call(client, tokens, persona, "get", "/clusters/tay-bac/2024/report").json()
    assert report["entered_count"] == 0
    assert [p["code"] for p in report["withheld"]] == ["14"]


def test_other_clusters_are_not_found(client, tokens):
    other = build_cluster(3)
    response = call(client, tokens, "own", "get", f"/clusters/{other.slug}/2024")
    assert response.status_code == 404
    assert (
        call(client, tokens, "own", "get", f"/clusters/{other.slug}/2024/figures").status_code
        == 404
    )
    listed = call(client, tokens, "own", "get", "/clusters?year=2024").json()["items"]
    assert [c["cluster"]["slug"] for c in listed] == ["tay-bac"]
    everything = call(client, tokens, "admin", "get", "/clusters?year=2024").json()["items"]
    assert {c["cluster"]["slug"] for c in everything} == {"tay-bac", other.slug}
    assert call(client, tokens, "admin", "get", f"/clusters/{other.slug}/2024").status_code == 200
    national = call(client, tokens, "national", "get", "/clusters?year=2024").json()["items"]
    assert {c["cluster"]["slug"] for c in national} == {"tay-bac", other.slug}
    assert (
        call(client, tokens, "national", "get", f"/clusters/{other.slug}/2024").status_code == 200
    )


def values(**changes) -> dict:
    return {**GOOD_VALUES, **changes}


# status of Sơn La's 2024 record -> persona -> HTTP status of a PUT that changes a value;
# those who could write it in another state are told of a conflict (409, issue 25)
WRITE = {
    D: expect({"other": 404, "own": 200, "chair": 403, "admin": 200, "national": 404}),
    A: expect({"other": 403, "own": 409, "chair": 403, "admin": 409, "national": 403}),
}


@pytest.mark.parametrize("status", list(WRITE))
@pytest.mark.parametrize("persona", PERSONAS)
def test_write(client, tokens, persona, status):
    record = make_figures("14", 2024, status=status)
    body = {"version": record.version, "values": values(tht_new=99)}
    response = call(client, tokens, persona, "put", "/figures/2024/14", body)
    assert response.status_code == WRITE[status][persona], response.content
    record.refresh_from_db()
    assert (record.tht_new == 99) is (response.status_code == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_create(client, tokens, persona):
    expected = expect({"other": 404, "own": 201, "chair": 403, "admin": 201, "national": 404})
    body = {"version": None, "values": values()}
    response = call(client, tokens, persona, "put", "/figures/2024/14", body)
    assert response.status_code == expected[persona], response.content
    exists = YearlyFigures.objects.filter(province__code="14", year=2024).exists()
    assert exists is (response.status_code == 201)


@pytest.mark.parametrize("persona", PERSONAS)
def test_submit(client, tokens, persona):
    record = make_figures("14", 2024, status=D)
    expected = expect({"other": 404, "own": 200, "chair": 403, "admin": 200, "national": 404})
    body = {"version": record.version, "explanation": ""}
    response = call(client, tokens, persona, "post", "/figures/2024/14/submit", body)
    assert response.status_code == expected[persona], response.content
    record.refresh_from_db()
    assert record.is_submitted is (response.status_code == 200)


DISBURSEMENT = {
    "province": "14",
    "fund": "htx_dev",
    "date": "2024-04-02",
    "borrower": "HTX Chè Shan tuyết Tà Xùa",
    "borrower_type": "HTX",
    "amount": "250.5",
    "purpose": "Mua máy sao chè",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_disbursements_import(client, tokens, persona):
    # Staff import their own unit's disbursements, the chair of the year any member's, admins all:
    # a row the user may not import is an error of that row, and nothing is saved.
    expected = expect({"other": 422, "own": 200, "chair": 200, "admin": 200, "national": 422})
    response = call(client, tokens, persona, "post", "/loans/import", {"rows": [DISBURSEMENT]})
    assert response.status_code == expected[persona], response.content
    saved = Disbursement.objects.filter(province__code="14", date="2024-04-02").count()
    assert saved == (1 if response.status_code == 200 else 0)
    if persona in ("other", "national"):
        assert response.json()["errors"][0]["field"] == "rows.0.province"
