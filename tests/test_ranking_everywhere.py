"""One rank rule on every path: whoever the scoring overview shows the ranking to gets the
same ranks through the API and in the summary files, and nobody else gets them.

Tây Bắc 2024: Lào Cai chairs, Lai Châu is the vice-head. Personas: anonymous, Điện Biên's
staff (another member), Sơn La's staff (own), the chair, the vice-head, an admin. Before
the scoring meeting the chair, the vice-head and admins see the provisional ranking;
after it every member sees the final one.
"""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from tests.api_support import API, bearer, token_for
from tests.scoring_helpers import (
    TAY_BAC_2023,
    build_agreement,
    data_for,
    meeting_record,
    self_score,
)

pytestmark = pytest.mark.django_db

YEAR = 2024
STAFF = {"other": "Điện Biên", "own": "Sơn La", "chair": "Lào Cai", "vice": "Lai Châu"}
PERSONAS = ["anonymous", "other", "own", "chair", "vice", "admin"]
POINTS = {"10": 30, "11": 25, "12": 20, "14": 35, "15": 27.5, "17": 18, "25": 40}
ROW = re.compile(r'data-testid="member-row" data-code="(\d\d)">(.*?)</tr>', re.S)
RANK = re.compile(r'data-testid="rank">\s*(\d*)\s*<')


@pytest.fixture
def users(make_staff, admin_user):
    people = {persona: make_staff(name, YEAR) for persona, name in STAFF.items()}
    return {**people, "admin": admin_user, "anonymous": None}


@pytest.fixture
def scored():
    build_agreement(year=YEAR)
    for code in TAY_BAC_2023:  # the same seven members in 2024
        self_score(code, {"II.1": POINTS[code]}, year=YEAR)


def record_meeting():
    meeting_record(year=YEAR)


def page_ranks(client, user) -> dict[str, int | None] | None:
    """Each member's rank as the overview shows it (None: no rank shown); None when the
    page does not open."""
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("scoring:overview", args=["tay-bac", YEAR]))
    client.logout()
    if response.status_code != 200:
        return None
    ranks = {}
    for code, row in ROW.findall(response.content.decode()):
        found = RANK.search(row)
        ranks[code] = int(found.group(1)) if found and found.group(1) else None
    return ranks


def api_ranks(client, user) -> dict[str, int | None] | None:
    token = token_for(user) if user is not None else None
    response = client.get(f"{API}/clusters/tay-bac/{YEAR}/scores", headers=bearer(token))
    if response.status_code != 200:
        return None
    return {m["province"]["code"]: m["rank"] for m in response.json()["members"]}


def excel_ranks(client, user) -> tuple[int, dict[str, int | None] | None]:
    """The summary file's status and its "Xếp hạng" row by province code."""
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("scoring:xlsx", args=["tay-bac", YEAR]))
    client.logout()
    if response.status_code != 200:
        return response.status_code, None
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    header = next(row for row in rows if row[0] == "STT")
    ranks = next(row for row in rows if row[1] == "Xếp hạng")
    codes = {m.name: m.code for m in data_for(year=YEAR).members}
    return 200, {codes[name]: rank for name, rank in zip(header[4:], ranks[4:], strict=True)}


SEES_PROVISIONAL = {"chair", "vice", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_gives_each_persona_the_ranks_the_page_shows(client, users, scored, persona):
    on_page = page_ranks(client, users[persona])
    through_api = api_ranks(client, users[persona])
    if persona == "anonymous":
        assert on_page is None and through_api is None
        return
    assert through_api == on_page
    shown = {code: rank for code, rank in on_page.items() if rank is not None}
    if persona in SEES_PROVISIONAL:
        assert sorted(shown.values()) == list(range(1, 8))
        assert shown["25"] == 1  # Phú Thọ's 40 points lead
    else:
        assert shown == {}


@pytest.mark.parametrize("persona", PERSONAS)
def test_after_the_meeting_every_member_gets_the_same_ranks_on_page_and_api(
    client, users, scored, persona
):
    record_meeting()
    on_page = page_ranks(client, users[persona])
    through_api = api_ranks(client, users[persona])
    if persona == "anonymous":
        assert on_page is None and through_api is None
        return
    assert through_api == on_page
    assert sorted(on_page.values()) == list(range(1, 8))


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other", 403), ("own", 403), ("chair", 200), ("vice", 200), ("admin", 200)],
)
def test_the_summary_file_goes_to_whoever_sees_the_ranking_with_the_same_ranks(
    client, users, scored, persona, status
):
    got, in_file = excel_ranks(client, users[persona])
    assert got == status
    if status == 200:
        assert in_file == api_ranks(client, users[persona])


def test_the_vice_head_sees_the_provisional_ranking_through_the_api(client, users, scored):
    ranks = api_ranks(client, users["vice"])
    assert ranks["25"] == 1
    assert ranks == api_ranks(client, users["chair"])
