"""Scores and rankings through the API: the scoring pages' read rule for every persona.

Before the scoring meeting is recorded a member reads only its own sheet (the chair, the
vice-head and admins every sheet); once it is recorded every member reads every sheet
and the ranking.
"""

import pytest

from emulation.api.tokens import api_token_create
from tests.api_support import API, PERSONAS, bearer, persona_tokens, token_for
from tests.scoring_helpers import build_agreement, self_score

pytestmark = pytest.mark.django_db
PATH = f"{API}/clusters/tay-bac/2024/scores"
EXPECTED = {"no_token": 401, "expired": 401, "revoked": 401}


@pytest.fixture
def tokens(make_staff, admin_user):
    return persona_tokens(make_staff, admin_user)


@pytest.fixture
def son_la_draft():
    build_agreement(year=2024)
    self_score("14", {"II.1": 37.5, "III.1": 4.5}, submit=False, year=2024)


def _son_la(data: dict) -> dict:
    return next(m for m in data["members"] if m["province"]["code"] == "14")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_gets_the_status_its_rights_give(client, tokens, son_la_draft, persona):
    response = client.get(PATH, headers=bearer(tokens[persona]))
    assert response.status_code == EXPECTED.get(persona, 200), response.content


@pytest.mark.parametrize(
    ("persona", "reads"),
    [("other", False), ("own", True), ("chair", True), ("admin", True), ("national", False)],
)
def test_an_unrecorded_sheet_is_read_only_by_its_member_the_chair_and_admins(
    client, tokens, son_la_draft, persona, reads
):
    data = client.get(PATH, headers=bearer(tokens[persona])).json()
    assert data["agreement_signed"] is True
    assert data["result_recorded"] is False
    son_la = _son_la(data)
    assert son_la["withheld"] is not reads
    if reads:
        assert any(c["self_points"] == "37.5" for c in son_la["criteria"])
    else:
        assert son_la["criteria"] == [] and son_la["total"] is None
        assert "37.5" not in str(data)


def test_staff_do_not_see_a_rank_before_the_meeting(client, tokens, son_la_draft):
    data = client.get(PATH, headers=bearer(tokens["own"])).json()
    assert _son_la(data)["rank"] is None
    chair = client.get(PATH, headers=bearer(tokens["chair"])).json()
    assert _son_la(chair)["rank"] is not None


def test_a_recorded_result_is_read_by_every_member_with_the_ranking(client, demo_data, make_staff):
    token = token_for(make_staff("Điện Biên", 2023))
    data = client.get(f"{API}/clusters/tay-bac/2023/scores", headers=bearer(token)).json()
    assert data["result_recorded"] is True
    assert all(not m["withheld"] for m in data["members"])
    first = [m["province"]["name"] for m in data["members"] if m["rank"] == 1]
    assert first == ["Phú Thọ"]
    totals = sorted((m["total"] for m in data["members"]), key=float, reverse=True)
    ranked = sorted(data["members"], key=lambda m: m["rank"])
    assert [m["total"] for m in ranked] == totals


def test_national_staff_read_a_recorded_result_of_any_cluster(client, demo_data, make_national):
    token = token_for(make_national())
    data = client.get(f"{API}/clusters/tay-bac/2023/scores", headers=bearer(token)).json()
    assert data["result_recorded"] is True
    assert all(not m["withheld"] for m in data["members"])
    assert [m["province"]["name"] for m in data["members"] if m["rank"] == 1] == ["Phú Thọ"]


def test_a_member_of_another_cluster_gets_404(client, make_staff):
    build_agreement(year=2024)
    user = make_staff("Cao Bằng", 2024)
    raw = api_token_create(user=user, name="Cao Bằng", days=30)[1]
    assert client.get(PATH, headers=bearer(raw)).status_code == 404


def test_a_sheets_status_is_a_machine_value_with_its_label_beside_it(client, tokens, son_la_draft):
    data = client.get(PATH, headers=bearer(tokens["chair"])).json()
    son_la = _son_la(data)
    assert (son_la["status"], son_la["status_label"]) == ("draft", "Bản nháp")
    others = {m["status"] for m in data["members"] if m["province"]["code"] != "14"}
    assert others == {"unscored"}
    schema = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    assert schema["SheetState"]["enum"] == [
        "unscored",
        "draft",
        "submitted",
        "cross_checked",
        "closed",
    ]
