"""The nomination rules (emulation/nominations/rules.py, issue 23), each refused with its
message and nothing saved, on the pages and through the API: one achievement one award
(other nominations and the award-history register), the quorum, no more present than
members, the voting method and its ballots, the threshold's base and comparison, the
"suy tôn" ballots within those cast, and the written reason of a nominee ranked below
members not proposed. Also the chair's rules page (versioned, with history)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from emulation.models import AwardRecord, MeetingRank, Nomination, VoteRule
from emulation.nominations import rules
from emulation.nominations.services import nomination_endorse
from provinces.models import Cluster
from tests.api_support import API, bearer, token_for
from tests.scoring_helpers import data_for, sheets_shown
from tests.test_nomination_views import (
    LIST,
    PROPOSE,
    alliance_post,
    merit,
    post_step,
    proposal,
    unit,
)
from tests.test_nominations import vote
from tests.versioned_emulation import all_submitted

pytestmark = pytest.mark.django_db

YEAR = 2023
SECRET_7 = {"ballots_issued": 7, "ballots_returned": 7, "ballots_valid": 7}


@pytest.fixture
def chair(make_staff):
    """Staff of Phú Thọ, head of Tây Bắc in 2023."""
    return make_staff("Phú Thọ", YEAR, username="phutho")


@pytest.fixture
def laocai(make_staff):
    """Staff of Lào Cai: vice-head of Tây Bắc in 2023."""
    return make_staff("Lào Cai", YEAR, username="laocai")


@pytest.fixture
def api(chair):
    client = Client(headers=bearer(token_for(chair)))
    return client


def tay_bac() -> Cluster:
    return Cluster.objects.get(slug="tay-bac")


def api_propose(api: Client, **payload):
    url = f"{API}/clusters/tay-bac/{YEAR}/nominations"
    return api.post(url, payload, content_type="application/json")


def api_step(api: Client, name: str, nomination: Nomination, **payload):
    shown = Nomination.objects.get(pk=nomination.pk).version
    url = f"{API}/nominations/{nomination.pk}/{name}"
    return api.post(url, {"version": shown, **payload}, content_type="application/json")


# One achievement, one award ---------------------------------------------------------------


def test_a_second_award_for_the_same_year_is_refused_on_the_page_naming_the_first(client, chair):
    proposal("10", by=chair)  # Lào Cai for the flag
    client.force_login(chair)
    response = client.post(PROPOSE, alliance_post("10", award_type=merit().pk))
    assert response.status_code == 400
    assert (
        "Liên minh HTX tỉnh Lào Cai đã được đề nghị Cờ thi đua của Ban Chấp hành Liên minh "
        "HTX Việt Nam năm 2023" in response.text
    )
    assert "không khen thưởng nhiều lần, nhiều hình thức cho một thành tích" in response.text
    assert Nomination.objects.count() == 1


def test_a_second_award_for_the_same_year_is_refused_through_the_api(api, chair):
    proposal("10", by=chair)
    response = api_propose(api, award_type="certificate-of-merit", alliance="10")
    assert response.status_code == 422
    assert "đã được đề nghị Cờ thi đua" in response.json()["detail"]
    assert Nomination.objects.count() == 1
    # Another year is another achievement.
    assert api_propose(api, award_type="emulation-flag", alliance="25").status_code == 201


def test_an_award_already_decided_in_the_register_refuses_the_nomination(client, api, chair):
    AwardRecord.objects.create(
        alliance=unit("10"),
        year=YEAR,
        award="Bằng khen của UBND tỉnh Lào Cai",
        decision_number="88/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 10),
        issuer="UBND tỉnh Lào Cai",
    )
    client.force_login(chair)
    response = client.post(PROPOSE, alliance_post("10"))
    assert response.status_code == 400
    assert "đã được khen Bằng khen của UBND tỉnh Lào Cai cho thành tích năm 2023" in response.text
    assert "Quyết định số 88/QĐ-UBND ngày 10/01/2024 của UBND tỉnh Lào Cai" in response.text
    response = api_propose(api, award_type="emulation-flag", alliance="10")
    assert response.status_code == 422 and "88/QĐ-UBND" in response.json()["detail"]
    assert not Nomination.objects.exists()
    # An award for the achievement of another year does not.
    AwardRecord.objects.filter(alliance=unit("10")).update(year=2022)
    assert api_propose(api, award_type="emulation-flag", alliance="10").status_code == 201


def test_the_database_refuses_a_second_nomination_of_the_year_too(chair):
    first = proposal("10", by=chair)
    second = Nomination(
        cluster=first.cluster, year=YEAR, award_type=merit(), nominee_alliance=unit("10")
    )
    with pytest.raises(Exception, match="đã được đề nghị khen thưởng trong năm"):
        second.full_clean()


# The vote -----------------------------------------------------------------------------------

REFUSED_VOTES = [
    pytest.param(
        {"votes_for": 1, "votes_present": 1, "ballots_issued": 1, "ballots_returned": 1},
        "Chưa đủ số thành viên có mặt để biểu quyết: có mặt 1/7, cần ít nhất 5",
        id="quorum",
    ),
    pytest.param(
        {"votes_for": 40, "votes_present": 40, **SECRET_7},
        "Số thành viên có mặt (40) không được vượt quá số thành viên của Cụm năm 2023 (7)",
        id="present-over-members",
    ),
    pytest.param(
        {"votes_for": 6, "votes_present": 7, **SECRET_7, "ballots_returned": 8},
        "Số phiếu thu về (8) không được lớn hơn số phiếu phát ra (7)",
        id="returned-over-issued",
    ),
    pytest.param(
        {"votes_for": 5, "votes_present": 7, **SECRET_7, "ballots_valid": 8},
        "Số phiếu hợp lệ (8) không được lớn hơn số phiếu thu về (7)",
        id="valid-over-returned",
    ),
    pytest.param(
        {"votes_for": 7, "votes_present": 7, **SECRET_7, "ballots_valid": 6},
        "Số phiếu tán thành (7) không được lớn hơn số phiếu hợp lệ (6)",
        id="for-over-valid",
    ),
    pytest.param(
        {"votes_for": 6, "votes_present": 7, "ballots_issued": ""},
        "Bỏ phiếu kín: ghi số phiếu phát ra, số phiếu thu về và số phiếu hợp lệ",
        id="secret-without-ballots",
    ),
    pytest.param(
        {"votes_for": 6, "votes_present": 7, "voting_method": "hands"},
        "Quy định của Cụm năm 2023: bỏ phiếu kín",
        id="not-the-rules-method",
    ),
]


def _api_vote(data: dict) -> dict:
    return {k: (None if v == "" else v) for k, v in data.items()}


@pytest.mark.parametrize("data, message", REFUSED_VOTES)
def test_a_vote_against_the_rules_is_refused_on_the_page(client, chair, data, message):
    nomination = proposal("10", by=chair)
    client.force_login(chair)
    sent = {"ballots_issued": "", "ballots_returned": "", "ballots_valid": "", **data}
    response = post_step(client, "vote", nomination, sent, follow=True)
    assert message in response.text
    nomination.refresh_from_db()
    assert (nomination.votes_for, nomination.votes_present, nomination.version) == (None, None, 1)


@pytest.mark.parametrize("data, message", REFUSED_VOTES)
def test_a_vote_against_the_rules_is_refused_through_the_api(api, chair, data, message):
    nomination = proposal("10", by=chair)
    response = api_step(api, "vote", nomination, **_api_vote(data))
    assert response.status_code == 422
    assert message in response.json()["detail"]
    nomination.refresh_from_db()
    assert (nomination.votes_for, nomination.version) == (None, 1)


def test_a_show_of_hands_has_no_ballots_when_the_rules_say_so(api, chair):
    VoteRule.objects.create(cluster=tay_bac(), year=YEAR, voting_method="hands")
    nomination = proposal("10", by=chair)
    response = api_step(api, "vote", nomination, votes_for=6, votes_present=7, **SECRET_7)
    assert response.status_code == 422
    assert "Biểu quyết giơ tay không có phiếu" in response.json()["detail"]
    response = api_step(api, "vote", nomination, votes_for=6, votes_present=7)
    assert response.status_code == 200
    assert response.json()["voting_method"] == "hands"


def test_the_threshold_base_and_comparison_decide_the_endorsement(client, api, chair):
    nomination = proposal("10", by=chair)
    vote(nomination, 3, 5, by=chair)  # 3 of 5 present: 60 % of those present, 43 % of all
    response = api_step(api, "endorse", nomination)
    assert response.status_code == 422
    assert (
        "3/7 (42,9\u00a0%) tán thành, cần trên 50 % tổng số thành viên của Cụm"
        in (response.json()["detail"])
    )
    client.force_login(chair)
    response = post_step(client, "endorse", nomination, follow=True)
    assert "cần trên 50 % tổng số thành viên của Cụm" in response.text
    assert Nomination.objects.get(pk=nomination.pk).status == "proposed"
    VoteRule.objects.create(cluster=tay_bac(), year=YEAR, threshold_base="present")
    assert api_step(api, "endorse", nomination).json()["status"] == "endorsed"


def test_at_least_counts_the_edge_and_more_than_does_not(chair):
    rule = VoteRule.objects.create(cluster=tay_bac(), year=YEAR, threshold_percent=50)
    assert not rules.vote_passes(rule, 8, 4, 8)
    rule.threshold_comparison = "gte"
    assert rules.vote_passes(rule, 8, 4, 8)


# The "suy tôn" at the scoring meeting ------------------------------------------------------


@pytest.mark.usefixtures("scoring_states")
def test_suy_ton_ballots_above_those_cast_are_refused_on_the_page(client, chair):
    all_submitted()
    client.force_login(chair)
    url = reverse("scoring:meeting", args=["tay-bac", YEAR])
    data = {
        "meeting_date": "30/11/2023",
        "present": "7",
        f"votes-{unit('25').pk}": "7",
        f"votes-{unit('10').pk}": "1",
        **{k: str(v) for k, v in SECRET_7.items()},
        "version": data_for().agreement.version,
        **sheets_shown(),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Tổng số phiếu suy tôn (8) không được lớn hơn số phiếu hợp lệ (7)" in response.text
    assert not data_for().agreement.locked
    assert not MeetingRank.objects.exists()
    response = client.post(url, {**data, "present": "40"})
    assert response.status_code == 400
    assert "không được vượt quá số thành viên" in response.text
    response = client.post(url, {**data, f"votes-{unit('10').pk}": "0"})
    assert response.status_code == 302
    agreement = data_for().agreement
    assert agreement.locked and agreement.meeting_ballots_valid == 7
    assert MeetingRank.objects.filter(cluster=tay_bac(), year=YEAR).count() == 7


@pytest.mark.usefixtures("scoring_states")
def test_the_meeting_counts_member_units_even_where_the_rules_do_not(client, chair):
    """At the scoring meeting the member units themselves vote: no more than the members
    can be present, even when the cluster's rules do not ask for one vote per member."""
    VoteRule.objects.create(cluster=tay_bac(), year=YEAR, one_vote_per_member=False)
    all_submitted()
    client.force_login(chair)
    url = reverse("scoring:meeting", args=["tay-bac", YEAR])
    data = {
        "meeting_date": "30/11/2023",
        "present": "40",
        f"votes-{unit('25').pk}": "7",
        **{k: str(v) for k, v in SECRET_7.items()},
        "version": data_for().agreement.version,
        **sheets_shown(),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Số thành viên có mặt (40) không được vượt quá số thành viên" in response.text
    assert not data_for().agreement.locked
    assert not MeetingRank.objects.exists()


# A nominee ranked below members not proposed ----------------------------------------------


def _ranked(order: list[str]) -> None:
    MeetingRank.objects.bulk_create(
        MeetingRank(cluster=tay_bac(), year=YEAR, province=unit(code), rank=i)
        for i, code in enumerate(order, start=1)
    )


def test_a_nominee_ranked_below_members_not_proposed_needs_a_written_reason(client, api, chair):
    _ranked(["25", "10", "15", "14", "17", "12", "11"])
    proposal("25", by=chair)  # the leader, for the flag
    lai_chau = proposal("12", by=chair, award=merit())
    vote(lai_chau, 7, 7, by=chair)
    response = api_step(api, "endorse", lai_chau)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "Liên minh HTX tỉnh Lai Châu xếp thứ 6/7" in detail
    assert "Lào Cai (thứ 2), Yên Bái (thứ 3), Sơn La (thứ 4), Hòa Bình (thứ 5)" in detail
    assert "ghi lý do đề nghị" in detail
    client.force_login(chair)
    response = post_step(client, "endorse", lai_chau, follow=True)
    assert "Liên minh HTX tỉnh Lai Châu xếp thứ 6/7" in response.text
    assert Nomination.objects.get(pk=lai_chau.pk).status == "proposed"
    # The reason, written with the vote, lets the conference endorse.
    reason = "Các tỉnh xếp thứ 2 đến 5 đã được khen năm 2022."
    post_step(client, "vote", lai_chau, {"votes_for": 7, "votes_present": 7, "rank_reason": reason})
    assert api_step(api, "endorse", lai_chau).json()["status"] == "endorsed"
    assert Nomination.objects.get(pk=lai_chau.pk).rank_reason == reason
    assert reason in client.get(LIST).text


def test_no_reason_is_asked_when_every_member_above_is_proposed(chair):
    _ranked(["25", "10", "12"])
    proposal("25", by=chair)
    proposal("10", by=chair, award=merit())
    third = proposal("12", by=chair, award=merit())
    vote(third, 7, 7, by=chair)
    assert nomination_endorse(nomination=third, by=chair, seen_version=third.version).status == (
        "endorsed"
    )


# The rules page -----------------------------------------------------------------------------

RULES = reverse("nominations:rules", args=["tay-bac", YEAR])
RULE_FORM = {
    "quorum_percent": "50",
    "threshold_base": "present",
    "threshold_comparison": "gte",
    "threshold_percent": "60",
    "voting_method": "hands",
    "one_vote_per_member": "on",
}


def test_the_chair_sets_the_rules_with_their_history(client, chair):
    client.force_login(chair)
    page = client.get(RULES)
    assert page.status_code == 200 and "áp dụng mặc định theo thực tiễn" in page.text
    response = client.post(RULES, {**RULE_FORM, "seen_version": "0"})
    assert response.status_code == 302
    rule = VoteRule.objects.get(cluster=tay_bac(), year=YEAR)
    assert (rule.threshold_base, rule.threshold_percent, rule.version) == ("present", 60, 1)
    assert rule.history.get().history_user == chair
    assert "từ 60 % số thành viên có mặt" in client.get(LIST).text
    # A second save on the page as it was first opened is stale: nothing changes.
    response = client.post(RULES, {**RULE_FORM, "threshold_percent": "70", "seen_version": "0"})
    assert response.status_code == 409
    assert VoteRule.objects.get(pk=rule.pk).threshold_percent == 60
    response = client.post(RULES, {**RULE_FORM, "threshold_percent": "70", "seen_version": "1"})
    assert response.status_code == 302
    assert VoteRule.objects.get(pk=rule.pk).history.count() == 2


def test_more_than_100_percent_is_refused(client, chair):
    client.force_login(chair)
    data = {**RULE_FORM, "threshold_comparison": "gt", "threshold_percent": "100"}
    response = client.post(RULES, {**data, "seen_version": "0"})
    assert response.status_code == 400
    assert "không bao giờ đạt" in response.text
    assert not VoteRule.objects.exists()


def test_only_the_chair_and_admins_set_the_rules(client, laocai, admin_user, make_staff):
    client.force_login(laocai)
    assert client.get(RULES).status_code == 403
    assert client.post(RULES, {**RULE_FORM, "seen_version": "0"}).status_code == 403
    client.force_login(make_staff("Cao Bằng", YEAR))
    assert client.get(RULES).status_code == 404
    client.force_login(admin_user)
    assert client.get(RULES).status_code == 200
    client.logout()
    assert client.get(RULES).status_code == 302
    assert not VoteRule.objects.exists()


# The API's list and its proposal's own checks ------------------------------------------------


def test_the_api_lists_the_nominations_with_the_rules(api, chair):
    VoteRule.objects.create(cluster=tay_bac(), year=YEAR, quorum_percent=80)
    vote(proposal("10", by=chair), 6, 7, by=chair)
    response = api.get(f"{API}/clusters/tay-bac/{YEAR}/nominations")
    assert response.status_code == 200
    data = response.json()
    assert data["rules"]["quorum_percent"] == 80 and data["rules"]["members"] == 7
    assert data["rules"]["threshold"] == "trên 50 % tổng số thành viên của Cụm"
    [nomination] = data["nominations"]
    assert (nomination["votes_for"], nomination["ballots_valid"]) == (6, 7)
    assert nomination["voting_method"] == "secret" and nomination["province"]["code"] == "10"


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"award_type": "no-such-award", "alliance": "10"}, "Không có hình thức khen thưởng"),
        ({"award_type": "emulation-flag", "alliance": "04"}, "không phải thành viên năm 2023"),
        (
            {"award_type": "emulation-flag", "cooperative": "HTX A", "cooperative_province": "04"},
            "Chọn tỉnh",
        ),
    ],
)
def test_the_api_refuses_a_proposal_it_cannot_read(api, payload, message):
    response = api_propose(api, **payload)
    assert response.status_code == 422 and message in response.json()["detail"]
    assert not Nomination.objects.exists()


def test_a_cooperative_is_proposed_through_the_api_and_staff_only_for_their_own(api, make_staff):
    response = api_propose(
        api, award_type="certificate-of-merit", cooperative="HTX Chè Phú Thọ", achievements="x"
    )
    assert response.status_code == 201 and response.json()["province"]["code"] == "25"
    son_la = Client(headers=bearer(token_for(make_staff("Sơn La", YEAR))))
    response = api_propose(son_la, award_type="emulation-flag", alliance="10")
    assert response.status_code == 403
    assert Nomination.objects.count() == 1
