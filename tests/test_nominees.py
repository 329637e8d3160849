"""Individuals and households as nominees (issue 23): proposed on the nominations page,
through the API and by the service with the particulars their forms ask for; every rule
of the collectives holds for them (exactly one nominee, membership, one achievement one
award against other nominations and the award-history register), each refused with its
message and nothing saved; voted and endorsed like any nominee."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from emulation.models import AwardRecord, Household, Nomination, NominationStatus, Person
from emulation.nominations.services import (
    NominationError,
    nomination_endorse,
    nomination_propose,
)
from tests.test_nomination_rules import api, api_propose  # noqa: F401  (fixture)
from tests.test_nomination_views import LIST, PROPOSE, merit, unit
from tests.test_nominations import flag, tay_bac, vote

pytestmark = pytest.mark.django_db

YEAR = 2023
PERSON = {
    "full_name": "Vàng Thị Mai",
    "sex": "female",
    "date_of_birth": datetime.date(1978, 4, 12),
    "home_address": "phường Tân Phong, thành phố Lai Châu",
    "workplace": "Liên minh Hợp tác xã tỉnh Lai Châu",
    "position": "Phó Chủ tịch Liên minh Hợp tác xã tỉnh Lai Châu",
}
HOUSEHOLD = {
    "head_name": "Bùi Văn Tâm",
    "head_sex": "male",
    "address": "xóm Tâm Cương, xã Tân Minh, tỉnh Hòa Bình",
    "members": 5,
    "main_activity": "Trồng và chế biến chè",
}


@pytest.fixture
def chair(make_staff):
    """Staff of Phú Thọ, head of Tây Bắc in 2023."""
    return make_staff("Phú Thọ", YEAR, username="phutho")


@pytest.fixture
def laichau(make_staff):
    return make_staff("Lai Châu", YEAR, username="laichau")


def propose(by, award=None, **nominee):
    return nomination_propose(
        cluster=tay_bac(), year=YEAR, award_type=award or merit(), by=by, **nominee
    )


def nothing_saved(people=0, households=0, nominations=0):
    return (Person.objects.count(), Household.objects.count(), Nomination.objects.count()) == (
        people,
        households,
        nominations,
    )


# The service ------------------------------------------------------------------------------


def test_an_individual_is_proposed_with_the_particulars_of_the_form(laichau):
    nomination = propose(laichau, person=PERSON)
    person = nomination.nominee_person
    assert nomination.nominee_kind == "person"
    assert person.province == unit("12")
    assert (person.full_name, person.date_of_birth) == ("Vàng Thị Mai", datetime.date(1978, 4, 12))
    assert nomination.nominee_name == "Vàng Thị Mai (tỉnh Lai Châu)"
    assert nomination.nominee_province == unit("12")


def test_a_household_is_proposed_and_voted_like_any_nominee(chair):
    nomination = propose(
        chair, household=HOUSEHOLD, cooperative_province=unit("17"), achievements="Sản xuất giỏi."
    )
    assert nomination.nominee_household.display_name == "Hộ gia đình ông Bùi Văn Tâm"
    nomination = vote(nomination, 7, 7, by=chair)
    nomination = nomination_endorse(
        nomination=nomination, seen_version=nomination.version, by=chair
    )
    assert nomination.status == NominationStatus.ENDORSED


def test_an_individual_without_a_position_is_refused_and_nothing_is_saved(laichau):
    with pytest.raises(NominationError, match=r"Chức vụ \(Đảng, chính quyền, đoàn thể\): "):
        propose(laichau, person={**PERSON, "position": "  "})
    assert nothing_saved()


def test_a_household_without_members_is_refused_and_nothing_is_saved(laichau):
    with pytest.raises(NominationError, match="Số nhân khẩu: "):
        propose(laichau, household={**HOUSEHOLD, "members": None})
    assert nothing_saved()


def test_a_person_and_a_household_at_once_are_refused(laichau):
    with pytest.raises(NominationError, match="không chọn nhiều đối tượng"):
        propose(laichau, person=PERSON, household=HOUSEHOLD)
    with pytest.raises(NominationError, match="không chọn nhiều đối tượng"):
        propose(laichau, person=PERSON, cooperative_name="HTX Chè Tam Đường")
    assert nothing_saved()


def test_a_person_of_a_province_outside_the_cluster_is_refused(chair):
    with pytest.raises(NominationError, match="Cao Bằng không phải thành viên"):
        propose(chair, person=PERSON, cooperative_province=unit("04"))
    assert nothing_saved()


def test_one_achievement_one_award_holds_for_an_individual(laichau):
    first = propose(laichau, person=PERSON)
    # The same person (full name and date of birth), spelled with other spacing.
    again = {**PERSON, "full_name": " Vàng  Thị Mai "}
    with pytest.raises(NominationError) as refused:
        propose(laichau, award=flag(), person=again)
    message = str(refused.value)
    assert "Vàng Thị Mai đã được đề nghị Bằng khen" in message
    assert "không khen thưởng nhiều lần, nhiều hình thức cho một thành tích" in message
    assert nothing_saved(people=1, nominations=1)
    assert Nomination.objects.get() == first


def test_an_award_in_the_register_refuses_a_household(laichau):
    household = Household.objects.create(province=unit("12"), **HOUSEHOLD)
    AwardRecord.objects.create(
        household=household,
        year=YEAR,
        award="Giấy khen của Chủ tịch Ủy ban nhân dân huyện Tam Đường",
        decision_number="35/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 12),
        issuer="Ủy ban nhân dân huyện Tam Đường",
    )
    with pytest.raises(NominationError, match="đã được khen Giấy khen .* cho thành tích năm 2023"):
        propose(laichau, household=HOUSEHOLD)
    assert nothing_saved(households=1)


def test_the_database_holds_exactly_one_nominee_and_one_award_a_year(laichau):
    nomination = propose(laichau, person=PERSON)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Nomination.objects.filter(pk=nomination.pk).update(nominee_alliance=unit("12"))
    with transaction.atomic(), pytest.raises(IntegrityError):
        Nomination.objects.create(
            cluster=tay_bac(), year=YEAR, award_type=flag(), nominee_person=nomination.nominee
        )


# The page ---------------------------------------------------------------------------------


def page_post(**extra) -> dict:
    return {
        "award_type": merit().pk,
        "alliance": "",
        "cooperative_kind": "HTX",
        "achievements": "Hoàn thành xuất sắc nhiệm vụ.",
        **extra,
    }


PERSON_FORM = {
    "person_full_name": "Vàng Thị Mai",
    "person_sex": "female",
    "person_date_of_birth": "12/04/1978",
    "person_home_address": "phường Tân Phong, thành phố Lai Châu",
    "person_workplace": "Liên minh Hợp tác xã tỉnh Lai Châu",
    "person_position": "Phó Chủ tịch",
    "person_working_since": "2001",
}


def test_staff_propose_an_individual_on_the_page(client, laichau):
    client.force_login(laichau)
    page = client.get(LIST)
    assert 'data-testid="propose-person"' in page.text
    response = client.post(PROPOSE, page_post(**PERSON_FORM))
    assert response.status_code == 302
    person = Nomination.objects.get().nominee_person
    assert (person.working_since, person.province) == (2001, unit("12"))
    listed = client.get(response["Location"])
    assert "Vàng Thị Mai" in listed.text


def test_an_incomplete_household_is_refused_on_the_page_keeping_what_was_typed(client, laichau):
    client.force_login(laichau)
    data = page_post(household_head_name="Bùi Văn Tâm", household_head_sex="male")
    response = client.post(PROPOSE, data)
    assert response.status_code == 400
    assert "Địa chỉ: " in response.text
    assert "Ngành nghề sản xuất, kinh doanh chính: " in response.text
    assert 'value="Bùi Văn Tâm"' in response.text
    assert nothing_saved()


# The API ----------------------------------------------------------------------------------


def test_the_api_proposes_an_individual_and_refuses_a_second_award(api, chair):  # noqa: F811
    person = {**PERSON, "date_of_birth": "1978-04-12"}
    response = api_propose(
        api, award_type="certificate-of-merit", person=person, cooperative_province="12"
    )
    assert response.status_code == 201, response.content
    assert response.json()["nominee_kind"] == "person"
    assert response.json()["province"]["code"] == "12"
    again = api_propose(api, award_type="emulation-flag", person=person, cooperative_province="12")
    assert again.status_code == 422
    assert "Vàng Thị Mai đã được đề nghị Bằng khen" in again.json()["detail"]
    assert nothing_saved(people=1, nominations=1)


def test_the_api_refuses_a_household_without_its_particulars(api, chair):  # noqa: F811
    response = api_propose(
        api,
        award_type="certificate-of-merit",
        household={**HOUSEHOLD, "main_activity": ""},
        cooperative_province="17",
    )
    assert response.status_code == 422
    assert "Ngành nghề sản xuất, kinh doanh chính: " in response.json()["detail"]
    assert nothing_saved()


# The award-history register -----------------------------------------------------------------


def test_the_province_records_an_individuals_award_read_by_the_one_award_rule(client, laichau):
    person = propose(laichau, person=PERSON).nominee_person
    page = reverse("awards:register", args=[YEAR, "12"])
    client.force_login(laichau)
    row = {
        "year": "2024",
        "award": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Lai Châu",
        "decision_number": "12/QĐ-UBND",
        "decision_date": "15/01/2025",
        "issuer": "Ủy ban nhân dân tỉnh Lai Châu",
    }
    both = {**row, "cooperative_name": "HTX Chè Tam Đường"}
    both["person_or_household"] = f"person:{person.pk}"
    refused = client.post(page, both)
    assert refused.status_code == 400
    assert "không chọn cả hai" in refused.text
    assert not AwardRecord.objects.exists()
    assert (
        client.post(page, {**row, "person_or_household": f"person:{person.pk}"}).status_code == 302
    )
    assert AwardRecord.objects.get().person == person
    with pytest.raises(NominationError, match="đã được khen Bằng khen .* năm 2024"):
        nomination_propose(
            cluster=tay_bac(), year=2024, award_type=merit(), by=laichau, person=PERSON
        )
