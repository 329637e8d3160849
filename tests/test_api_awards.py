"""The award-history register through the API (issue 23): the same access as the register
page (anonymous, another province, its own, the chair and vice-head of the year, an admin),
the list per unit and year, a row added with its history, and each rule refused with 422,
its message and nothing saved."""

import datetime
import json

import pytest

from emulation.models import AwardRecord
from provinces.models import Cooperative
from provinces.organisation.selectors import province_for_code
from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db

YEAR = 2023
URL = f"{API}/awards/{YEAR}/14"  # Sơn La
ROW = {
    "year": 2022,
    "award": "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
    "decision_number": "15/QĐ-LMHTXVN",
    "decision_date": "2023-01-16",
    "issuer": "Liên minh HTX Việt Nam",
}


def son_la():
    return province_for_code("14", YEAR)


@pytest.fixture
def personas(make_staff, admin_user):
    return {
        "other": make_staff("Điện Biên", YEAR, username="dienbien"),
        "own": make_staff("Sơn La", YEAR, username="sonla"),
        "chair": make_staff("Phú Thọ", YEAR, username="phutho"),
        "vice": make_staff("Lào Cai", YEAR, username="laocai"),
        "outsider": make_staff("Cao Bằng", YEAR, username="caobang"),
        "admin": admin_user,
    }


def post(client, headers, body):
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    "who, read, write",
    [
        (None, 401, 401),
        ("outsider", 404, 404),
        ("other", 404, 404),
        ("own", 200, 201),
        ("chair", 200, 403),
        ("vice", 200, 403),
        ("admin", 200, 201),
    ],
)
def test_the_access_is_the_register_page_s(client, personas, who, read, write):
    AwardRecord.objects.create(
        alliance=son_la(),
        year=2021,
        award="Giấy khen",
        decision_number="01/QĐ",
        decision_date=datetime.date(2022, 1, 5),
        issuer="UBND tỉnh Sơn La",
    )
    headers = bearer(token_for(personas[who])) if who else {}
    answer = client.get(URL, headers=headers)
    assert answer.status_code == read
    if read == 200:
        assert [r["decision_number"] for r in answer.json()["records"]] == ["01/QĐ"]
    assert post(client, headers, ROW).status_code == write
    assert AwardRecord.objects.count() == (2 if write == 201 else 1)


def test_a_row_is_added_with_its_history_and_listed_per_unit_and_year(client, personas):
    Cooperative.objects.create(
        province=son_la(), name="HTX Chè Mộc Châu", name_key="htx che moc chau", kind="HTX"
    )
    headers = bearer(token_for(personas["own"]))
    answer = post(client, headers, ROW)
    assert answer.status_code == 201
    assert answer.json()["unit"] == {
        "kind": "alliance",
        "id": son_la().pk,
        "name": son_la().alliance_name,
    }
    answer = post(client, headers, {**ROW, "year": 2021, "cooperative": "htx che moc chau"})
    assert answer.status_code == 201 and answer.json()["unit"]["name"] == "HTX Chè Mộc Châu"
    assert (
        AwardRecord.objects.get(cooperative__isnull=False).history.get().history_user
        == (personas["own"])
    )
    listed = client.get(URL, {"award_year": "2022"}, headers=headers).json()["records"]
    assert [(r["year"], r["unit"]["kind"]) for r in listed] == [(2022, "alliance")]
    listed = client.get(URL, {"unit": "HTX CHÈ MỘC CHÂU"}, headers=headers).json()["records"]
    assert [r["year"] for r in listed] == [2021]
    listed = client.get(URL, {"unit": "alliance"}, headers=headers).json()["records"]
    assert [r["year"] for r in listed] == [2022]
    answer = client.get(URL, {"unit": "HTX Không Có"}, headers=headers)
    assert answer.status_code == 422 and "Không có HTX/THT" in answer.json()["detail"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"cooperative": "HTX Không Có"}, "Không có HTX/THT “HTX Không Có” trong danh bạ"),
        ({"decision_date": "2021-03-01"}, "không thể ban hành trước năm 2022"),
        ({"decision_number": "  "}, "Ghi đủ hình thức, số quyết định và cơ quan ban hành."),
    ],
)
def test_each_rule_is_refused_with_its_message_and_nothing_saved(client, personas, change, message):
    headers = bearer(token_for(personas["own"]))
    answer = post(client, headers, {**ROW, **change})
    assert answer.status_code == 422 and message in answer.json()["detail"]
    assert not AwardRecord.objects.exists()


def test_the_same_decision_twice_is_refused(client, personas):
    headers = bearer(token_for(personas["admin"]))
    assert post(client, headers, ROW).status_code == 201
    answer = post(client, headers, ROW)
    assert answer.status_code == 422
    assert "Quyết định này đã có trong sổ của đơn vị cho năm này." in answer.json()["detail"]
    assert AwardRecord.objects.count() == 1


def test_numbers_go_through_the_portal_s_reader(client, personas):
    headers = bearer(token_for(personas["own"]))
    assert post(client, headers, {**ROW, "year": "2_022"}).status_code == 422
    assert post(client, headers, {**ROW, "year": True}).status_code == 422
    assert client.get(URL, {"award_year": "２０２２"}, headers=headers).status_code == 422
    assert not AwardRecord.objects.exists()
