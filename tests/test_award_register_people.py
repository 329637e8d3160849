"""The award-history register's upload names other units, individuals and households too
(issue 23): an other unit by its full name, a person by full name and date of birth, a
household by its head and address, among those the province has recorded; one it has not
refuses the whole file, the row and the reason named, nothing saved (the register's page
never creates them either)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from emulation.awards.excel import awards_import
from emulation.models import AwardRecord, Household, OtherUnit, Person
from provinces.models import Cooperative
from provinces.organisation.selectors import province_for_code
from tests.api_support import API, bearer, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_dir")]

YEAR = 2023
IMPORT = reverse("awards:import", args=[YEAR, "14"])  # Sơn La
HEADER = (
    "year,award,decision_number,decision_date,issuer,cooperative,kind,full_name,date_of_birth,"
    "address\n"
)
TAIL = "2022,Bằng khen,{n}/QĐ-LMHTXVN,16/01/2023,Liên minh HTX Việt Nam"


def son_la():
    return province_for_code("14", YEAR)


@pytest.fixture
def sonla_units(make_staff):
    province = son_la()
    Cooperative.objects.create(
        province=province, name="HTX Chè Mộc Châu", name_key="htx che moc chau", kind="HTX"
    )
    person = Person.objects.create(
        province=province,
        full_name="Lò Văn Pọm",
        sex="male",
        date_of_birth=datetime.date(1970, 3, 5),
        home_address="Thuận Châu, Sơn La",
        workplace="Liên minh Hợp tác xã tỉnh Sơn La",
        position="Chủ tịch",
    )
    household = Household.objects.create(
        province=province,
        head_name="Quàng Thị Mai",
        head_sex="female",
        address="Bản Bó, xã Chiềng Sinh, tỉnh Sơn La",
        members=5,
        main_activity="Trồng chè",
    )
    other = OtherUnit.objects.create(
        province=province,
        legal_name="Liên hiệp Hợp tác xã Nông nghiệp tỉnh Sơn La",
        unit_type="union",
        head_office="Phường Tô Hiệu, tỉnh Sơn La",
        phone="0212 3852 123",
        founded_year=2015,
        founding="Thành lập năm 2015.",
        structure="Hội đồng quản trị, Ban kiểm soát.",
        staff_count=24,
    )
    return {
        "other": other,
        "staff": make_staff("Sơn La", YEAR, username="sonla"),
        "person": person,
        "household": household,
    }


def rows(*lines: str) -> str:
    return HEADER + "".join(
        TAIL.format(n=i + 1) + "," + line + "\n" for i, line in enumerate(lines)
    )


MIXED = rows(
    ",,,,",  # the alliance
    "HTX Chè Mộc Châu,,,,",
    ",cá nhân,lò văn  pọm,05/03/1970,",  # case and spacing aside
    ",Hộ gia đình,Quàng Thị Mai,,Bản Bó, xã Chiềng Sinh, tỉnh Sơn La",
    ",đơn vị khác,Liên hiệp hợp tác xã nông nghiệp tỉnh Sơn La,,",
)


def test_a_mixed_file_of_units_people_and_households_is_imported(client, sonla_units):
    # The household's address has commas: quoted in the CSV.
    text = MIXED.replace(
        "Bản Bó, xã Chiềng Sinh, tỉnh Sơn La", '"Bản Bó, xã Chiềng Sinh, tỉnh Sơn La"'
    )
    client.force_login(sonla_units["staff"])
    preview = client.post(IMPORT, {"file": SimpleUploadedFile("k.csv", text.encode())})
    assert preview.status_code == 200, preview.text
    assert "Lò Văn Pọm" in preview.text and "Hộ gia đình bà Quàng Thị Mai" in preview.text
    assert not AwardRecord.objects.exists()
    done = client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302
    saved = {r.decision_number: r for r in AwardRecord.objects.all()}
    assert saved["1/QĐ-LMHTXVN"].alliance == son_la()
    assert saved["2/QĐ-LMHTXVN"].cooperative.name == "HTX Chè Mộc Châu"
    assert saved["3/QĐ-LMHTXVN"].person == sonla_units["person"]
    assert saved["4/QĐ-LMHTXVN"].household == sonla_units["household"]
    assert saved["5/QĐ-LMHTXVN"].other_unit == sonla_units["other"]
    assert saved["3/QĐ-LMHTXVN"].history.get().history_user == sonla_units["staff"]


def test_an_unknown_person_refuses_the_whole_file_naming_the_row_and_reason(sonla_units):
    text = rows(
        ",,,,",
        ",cá nhân,Lò Văn Pọm,06/03/1970,",  # not the recorded date of birth
        ",cá nhân,Lò Văn Pọm,,",  # no date of birth
        ",đơn vị lạ,Lò Văn Pọm,05/03/1970,",  # no such kind
        "HTX Chè Mộc Châu,cá nhân,Lò Văn Pọm,05/03/1970,",  # two units
        ",hộ gia đình,Quàng Thị Mai,,Bản Khác",
    )
    report = awards_import(
        data=text.encode(),
        filename="k.csv",
        user=sonla_units["staff"],
        dry_run=False,
        province=son_la(),
    )
    assert not report.ok and not report.saved
    found = [(e.row, e.column, e.message) for e in report.errors]
    assert found[0][:2] == (3, "full_name")
    assert "chưa có cá nhân “Lò Văn Pọm” sinh ngày 06/03/1970" in found[0][2]
    assert (4, "date_of_birth", "Chưa ghi ngày sinh của cá nhân.") in found
    assert any(r == 5 and c == "kind" and "không rõ" in m for r, c, m in found)
    assert any(r == 6 and "chỉ ghi một đơn vị" in m for r, c, m in found)
    assert any(r == 7 and "chưa có hộ gia đình chủ hộ “Quàng Thị Mai”" in m for r, c, m in found)
    assert {e.row for e in report.errors} == {3, 4, 5, 6, 7}
    assert not AwardRecord.objects.exists()
    assert Person.objects.count() == 1 and Household.objects.count() == 1  # none created


def test_the_api_lists_the_imported_awards_of_every_kind(client, sonla_units):
    awards_import(
        data=MIXED.replace(
            "Bản Bó, xã Chiềng Sinh, tỉnh Sơn La", '"Bản Bó, xã Chiềng Sinh, tỉnh Sơn La"'
        ).encode(),
        filename="k.csv",
        user=sonla_units["staff"],
        dry_run=False,
        province=son_la(),
    )
    headers = bearer(token_for(sonla_units["staff"]))
    response = client.get(f"{API}/awards/{YEAR}/14", headers=headers)
    assert response.status_code == 200, response.content
    units = {r["decision_number"]: r["unit"] for r in response.json()["records"]}
    assert units["3/QĐ-LMHTXVN"] == {
        "kind": "person",
        "id": sonla_units["person"].pk,
        "name": "Lò Văn Pọm",
    }
    assert units["4/QĐ-LMHTXVN"]["kind"] == "household"
    assert units["5/QĐ-LMHTXVN"]["kind"] == "other_unit"
    assert [u["kind"] for u in units.values()].count("alliance") == 1
