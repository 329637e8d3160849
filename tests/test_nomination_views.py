"""The nominations page of a cluster-year and the chair's steps, through the views."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from emulation.models import AwardQuota, AwardType, Nomination, NominationStatus
from emulation.nominations.services import (
    nomination_endorse,
    nomination_propose,
    nomination_submit,
)
from provinces.models import Cluster
from provinces.organisation.selectors import province_for_code
from tests.test_nominations import add_nominations, vote

pytestmark = pytest.mark.django_db

YEAR = 2023
LIST = reverse("nominations:list", args=["tay-bac", YEAR])
PROPOSE = reverse("nominations:propose", args=["tay-bac", YEAR])
FLAG_NAME = "Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam"


def unit(code: str, year: int = YEAR):
    return province_for_code(code, year)


def flag() -> AwardType:
    return AwardType.objects.get(code="emulation-flag")


def merit() -> AwardType:
    return AwardType.objects.get(code="certificate-of-merit")


def step(name: str, nomination: Nomination) -> str:
    return reverse(f"nominations:{name}", args=[nomination.pk])


def post_step(client, name: str, nomination: Nomination, data: dict | None = None, **kwargs):
    """Take a step as the page does: with the version the page shows now."""
    shown = Nomination.objects.filter(pk=nomination.pk).values_list("version", flat=True)
    data = {"seen_version": shown.first() or "", **(data or {})}
    if name == "vote" and "votes_present" in data:
        # A secret ballot (the default rule): one valid ballot per member present.
        for ballots in ("ballots_issued", "ballots_returned", "ballots_valid"):
            data.setdefault(ballots, data["votes_present"])
    return client.post(step(name, nomination), data, **kwargs)


def endorsed(nomination: Nomination, *, by) -> Nomination:
    return nomination_endorse(nomination=nomination, by=by, seen_version=nomination.version)


def proposal(code: str, *, by, award: AwardType | None = None, year: int = YEAR) -> Nomination:
    return nomination_propose(
        cluster=Cluster.objects.get(slug="tay-bac"),
        year=year,
        award_type=award or flag(),
        by=by,
        alliance=unit(code, year),
        achievements="Dẫn đầu phong trào.",
    )


def voted(code: str, *, by, votes=(7, 7)) -> Nomination:
    nomination = proposal(code, by=by)
    return vote(nomination, votes[0], votes[1], by=by)


def alliance_post(code: str, **extra) -> dict:
    return {
        "award_type": flag().pk,
        "alliance": unit(code).pk,
        "cooperative_kind": "HTX",
        "achievements": "Tổ chức tốt phong trào thi đua.",
        **extra,
    }


@pytest.fixture
def chair(make_staff):
    """Staff of Phú Thọ, head of Tây Bắc in 2023."""
    return make_staff("Phú Thọ", YEAR, username="phutho")


@pytest.fixture
def laocai(make_staff):
    """Staff of Lào Cai: a member (vice-head) in 2023, head of the cluster in 2024."""
    return make_staff("Lào Cai", YEAR, username="laocai")


@pytest.fixture
def caobang(make_staff):
    """Staff of Cao Bằng, which is not in Tây Bắc."""
    return make_staff("Cao Bằng", YEAR, username="caobang")


# The page ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.post(PROPOSE, alliance_post("10")).status_code == 302


def test_it_is_for_the_clusters_members(client, caobang, laocai):
    client.force_login(caobang)
    assert client.get(LIST).status_code == 404
    client.force_login(laocai)
    assert client.get(LIST).status_code == 200


def test_an_unknown_cluster_or_a_year_without_members_is_not_found(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("nominations:list", args=["nowhere", YEAR])).status_code == 404
    assert client.get(reverse("nominations:list", args=["tay-bac", 2030])).status_code == 404


def test_it_groups_by_award_with_counts_against_the_quota(client, chair, laocai):
    AwardQuota.objects.create(
        cluster=Cluster.objects.get(slug="tay-bac"), year=YEAR, award_type=flag(), quota=3
    )
    endorsed(voted("10", by=chair), by=chair)
    proposal("25", by=chair)
    proposal("11", by=chair, award=merit())
    client.force_login(laocai)
    response = client.get(LIST)
    assert f"{FLAG_NAME}\n        (1/3)" in response.text
    assert "chỉ tiêu 3" in response.text
    assert "không giới hạn chỉ tiêu" in response.text
    assert response.text.count('data-testid="nomination"') == 3
    assert "7/7" in response.text
    assert "Hội nghị thống nhất đề nghị</span>" in response.text
    assert "trên 50 % tổng số thành viên của Cụm" in response.text


def test_a_granted_nomination_shows_its_decision(client, chair):
    nomination = endorsed(voted("10", by=chair), by=chair)
    nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    client.force_login(chair)
    post_step(
        client,
        "decide",
        nomination,
        {"outcome": "granted", "decision_number": "123/QĐ-LMHTXVN", "decision_date": "15/01/2024"},
    )
    response = client.get(LIST)
    assert "QĐ số 123/QĐ-LMHTXVN ngày 15/01/2024" in response.text
    assert "Được khen thưởng</span>" in response.text


def test_staff_are_offered_only_their_own_alliance(client, laocai):
    client.force_login(laocai)
    form = client.get(LIST).context["form"]
    alliances = [label for value, label in form.fields["alliance"].choices if value]
    assert alliances == ["Liên minh HTX tỉnh Lào Cai"]
    assert [label for _, label in form.fields["cooperative_province"].choices] == ["Lào Cai"]


def test_the_chair_and_admins_are_offered_every_member(client, chair, admin_user):
    for user in (chair, admin_user):
        client.force_login(user)
        form = client.get(LIST).context["form"]
        assert len([value for value, _ in form.fields["alliance"].choices if value]) == 7


def test_only_those_who_manage_see_the_chairs_buttons(client, chair, laocai):
    voted("10", by=chair)
    client.force_login(laocai)
    response = client.get(LIST)
    assert "Ghi biểu quyết" not in response.text
    assert "Hội nghị thống nhất đề nghị</button>" not in response.text
    assert "Rút đề nghị" in response.text  # Lào Cai's own nominee
    client.force_login(chair)
    response = client.get(LIST)
    assert "Ghi biểu quyết" in response.text
    assert "Hội nghị thống nhất đề nghị</button>" in response.text


# Proposing --------------------------------------------------------------------------------


def test_staff_propose_their_own_alliance(client, laocai):
    client.force_login(laocai)
    response = client.post(PROPOSE, alliance_post("10"), follow=True)
    nomination = Nomination.objects.get()
    assert (nomination.nominee_alliance, nomination.proposed_by) == (unit("10"), laocai)
    assert "Đã đề xuất Liên minh HTX tỉnh Lào Cai" in response.text


def test_staff_cannot_propose_another_members_alliance(client, laocai):
    client.force_login(laocai)
    response = client.post(PROPOSE, alliance_post("14"))
    assert response.status_code == 400
    assert response.context["form"].errors["alliance"]
    assert not Nomination.objects.exists()


def test_staff_cannot_propose_another_members_cooperative(client, laocai):
    client.force_login(laocai)
    data = alliance_post("10", alliance="", cooperative_name="HTX Mộc Châu")
    data["cooperative_province"] = unit("14").pk
    assert client.post(PROPOSE, data).status_code == 400
    assert not Nomination.objects.exists()


def test_staff_propose_a_cooperative_of_their_province(client, laocai):
    client.force_login(laocai)
    data = alliance_post("10", alliance="", cooperative_name="HTX Bắc Hà", cooperative_kind="HTX")
    client.post(PROPOSE, data)
    nomination = Nomination.objects.get()
    assert nomination.nominee_cooperative.province == unit("10")
    assert nomination.nominee_name == "HTX Bắc Hà (tỉnh Lào Cai)"


def test_the_chair_proposes_for_any_member(client, chair):
    client.force_login(chair)
    client.post(PROPOSE, alliance_post("14"))
    assert Nomination.objects.get().nominee_alliance == unit("14")


def test_admins_name_the_province_of_a_cooperative(client, admin_user):
    client.force_login(admin_user)
    data = alliance_post("10", alliance="", cooperative_name="HTX Mường Lò")
    response = client.post(PROPOSE, data)
    assert response.status_code == 400
    assert "Chọn tỉnh của HTX/THT" in response.text
    client.post(PROPOSE, {**data, "cooperative_province": unit("15").pk})
    assert Nomination.objects.get().nominee_name == "HTX Mường Lò (tỉnh Yên Bái)"


def test_a_refused_proposal_keeps_what_was_typed(client, laocai):
    client.force_login(laocai)
    client.post(PROPOSE, alliance_post("10"))
    response = client.post(PROPOSE, alliance_post("10", achievements="Lần hai"))
    assert response.status_code == 400
    assert "đã được đề nghị" in response.text
    assert "Lần hai" in response.text
    both = alliance_post("10", cooperative_name="HTX Bắc Hà", award_type=merit().pk)
    assert "không chọn nhiều đối tượng" in client.post(PROPOSE, both).text
    assert Nomination.objects.count() == 1


def test_outsiders_cannot_propose(client, caobang):
    client.force_login(caobang)
    assert client.post(PROPOSE, alliance_post("10")).status_code == 404


def test_proposing_needs_the_csrf_token(laocai):
    client = Client(enforce_csrf_checks=True)
    client.force_login(laocai)
    assert client.post(PROPOSE, alliance_post("10")).status_code == 403
    assert not Nomination.objects.exists()


# The chair's steps ------------------------------------------------------------------------


def test_the_chair_records_the_vote_and_endorses(client, chair):
    nomination = proposal("10", by=chair)
    client.force_login(chair)
    response = post_step(
        client,
        "vote",
        nomination,
        {"votes_for": "6", "votes_present": "7"},
        follow=True,
    )
    assert "Đã ghi kết quả biểu quyết" in response.text
    response = post_step(client, "endorse", nomination, follow=True)
    assert "Hội nghị đã thống nhất đề nghị" in response.text
    nomination.refresh_from_db()
    assert (nomination.status, nomination.votes_for, nomination.votes_present) == (
        "endorsed",
        6,
        7,
    )
    assert response.redirect_chain[-1][0] == f"{LIST}#nomination-{nomination.pk}"


def test_the_chair_of_another_year_cannot_manage(client, chair, laocai):
    """Lào Cai chairs 2024, not 2023: it may see the 2023 page but not move nominations."""
    nomination = voted("10", by=chair)
    client.force_login(laocai)
    assert (
        post_step(
            client,
            "vote",
            nomination,
            {"votes_for": 1, "votes_present": 7},
        ).status_code
        == 403
    )
    for name in ("endorse", "submit", "decide"):
        assert post_step(client, name, nomination).status_code == 403
    nomination.refresh_from_db()
    assert (nomination.status, nomination.votes_for) == ("proposed", 7)


def test_the_chair_of_2024_manages_2024(client, laocai):
    nomination = proposal("12", by=laocai, year=2024)
    client.force_login(laocai)
    post_step(
        client,
        "vote",
        nomination,
        {"votes_for": 5, "votes_present": 7},
    )
    post_step(client, "endorse", nomination)
    nomination.refresh_from_db()
    assert nomination.status == "endorsed"


def test_outsiders_do_not_see_a_nomination(client, chair, caobang):
    nomination = voted("10", by=chair)
    client.force_login(caobang)
    assert post_step(client, "endorse", nomination).status_code == 404


def test_admins_take_every_step(client, chair, admin_user):
    nomination = proposal("10", by=chair)
    client.force_login(admin_user)
    post_step(
        client,
        "vote",
        nomination,
        {"votes_for": 7, "votes_present": 7},
    )
    post_step(client, "endorse", nomination)
    post_step(client, "submit", nomination)
    post_step(
        client,
        "decide",
        nomination,
        {"outcome": "granted", "decision_number": "45/QĐ", "decision_date": "05/02/2024"},
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.GRANTED
    assert nomination.decision_date == datetime.date(2024, 2, 5)
    assert nomination.history.first().history_user == admin_user


def test_a_refused_step_comes_back_with_the_reason(client, chair):
    nomination = voted("10", by=chair, votes=(3, 5))
    client.force_login(chair)
    response = post_step(client, "endorse", nomination, follow=True)
    assert "Chưa đạt tỷ lệ biểu quyết: 3/7" in response.text
    response = post_step(
        client,
        "vote",
        nomination,
        {"votes_for": 9, "votes_present": 7},
        follow=True,
    )
    assert "không được lớn hơn số đại biểu có mặt" in response.text
    response = post_step(client, "submit", nomination, follow=True)
    assert "Không thể trình Liên minh HTX Việt Nam" in response.text
    nomination.refresh_from_db()
    assert (nomination.status, nomination.votes_for) == ("proposed", 3)


def test_endorsing_beyond_the_quota_is_refused_with_a_message(client, chair):
    AwardQuota.objects.create(
        cluster=Cluster.objects.get(slug="tay-bac"), year=YEAR, award_type=flag(), quota=1
    )
    endorsed(voted("10", by=chair), by=chair)
    second = voted("11", by=chair)
    client.force_login(chair)
    response = post_step(client, "endorse", second, follow=True)
    assert "Đã đủ chỉ tiêu" in response.text and "tối đa 1" in response.text


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"outcome": "granted", "decision_number": "", "decision_date": "15/01/2024"},
            "số quyết định",
        ),
        (
            {"outcome": "granted", "decision_number": "1/QĐ", "decision_date": "2024-01-15"},
            "ngày/tháng/năm",
        ),
        ({"outcome": "not_granted", "reason": ""}, "ghi rõ lý do"),
        ({}, "Kết quả"),
    ],
)
def test_a_decision_needs_its_details(client, chair, data, message):
    nomination = endorsed(voted("10", by=chair), by=chair)
    nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    client.force_login(chair)
    response = post_step(client, "decide", nomination, data, follow=True)
    assert message in response.text
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_not_granted_is_recorded_with_its_reason(client, chair):
    nomination = endorsed(voted("10", by=chair), by=chair)
    nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    client.force_login(chair)
    post_step(client, "decide", nomination, {"outcome": "not_granted", "reason": "Hết chỉ tiêu."})
    nomination.refresh_from_db()
    assert (nomination.status, nomination.not_granted_reason) == ("not_granted", "Hết chỉ tiêu.")
    assert "Hết chỉ tiêu." in client.get(LIST).text


def test_steps_are_posts(client, chair):
    nomination = proposal("10", by=chair)
    client.force_login(chair)
    assert client.get(step("endorse", nomination)).status_code == 405
    assert client.get(PROPOSE).status_code == 405


# Withdrawing ------------------------------------------------------------------------------


def test_staff_withdraw_their_own_proposal_but_not_anothers(client, chair, laocai):
    own = proposal("10", by=laocai)
    other = proposal("14", by=chair)
    client.force_login(laocai)
    assert post_step(client, "withdraw", other).status_code == 403
    response = post_step(client, "withdraw", own, follow=True)
    assert "Đã rút đề nghị" in response.text
    assert list(Nomination.objects.all()) == [other]


def test_an_endorsed_nomination_is_not_withdrawn(client, chair):
    nomination = endorsed(voted("10", by=chair), by=chair)
    client.force_login(chair)
    response = post_step(client, "withdraw", nomination, follow=True)
    assert "Không thể rút đề nghị" in response.text
    assert Nomination.objects.filter(pk=nomination.pk).exists()


# Reads that do not grow -------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("persona", ["admin", "chair", "staff"])
def test_the_page_runs_a_fixed_number_of_queries(
    client, admin_user, make_staff, django_assert_max_num_queries, count, persona
):
    users = {
        "admin": lambda: admin_user,
        "chair": lambda: make_staff("Phú Thọ", YEAR, username="phutho"),
        "staff": lambda: make_staff("Sơn La", YEAR, username="sonla"),
    }
    client.force_login(users[persona]())
    add_nominations(count)
    # session, user, cluster, members, term, staff profile, award types, quotas,
    # nominations, vote rule, and the session save in a savepoint (3)
    with django_assert_max_num_queries(13):
        response = client.get(LIST)
    assert response.text.count('data-testid="nomination"') == count
