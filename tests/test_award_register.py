"""The award-history register (emulation/awards, issue 23): the province's page (who reads,
who writes: anonymous, another province, its own, the chair and the vice-head of the year,
an admin), a row typed on it, its upload through the pipeline (all or nothing, every bad
row named), and the achievement report's table of awards received."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from emulation.awards.excel import awards_import
from emulation.dossiers.achievement import achievement_report
from emulation.dossiers.selectors import dossier_for
from emulation.models import AwardRecord
from provinces.models import Cluster, Cooperative
from provinces.organisation.selectors import province_for_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_dir")]

YEAR = 2023
PAGE = reverse("awards:register", args=[YEAR, "14"])  # Sơn La
IMPORT = reverse("awards:import", args=[YEAR, "14"])
ROW = {
    "year": "2022",
    "award": "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
    "decision_number": "15/QĐ-LMHTXVN",
    "decision_date": "16/01/2023",
    "issuer": "Liên minh HTX Việt Nam",
}
HEADER = "year,award,decision_number,decision_date,issuer,cooperative\n"


def son_la():
    return province_for_code("14", YEAR)


def record(**changes) -> AwardRecord:
    data = {
        "alliance": son_la(),
        "year": 2021,
        "award": "Giấy khen",
        "decision_number": "01/QĐ",
        "decision_date": datetime.date(2022, 1, 5),
        "issuer": "UBND tỉnh Sơn La",
        **changes,
    }
    return AwardRecord.objects.create(**data)


@pytest.fixture
def personas(make_staff, admin_user, make_national):
    return {
        "national": make_national(),
        "other": make_staff("Điện Biên", YEAR, username="dienbien"),
        "own": make_staff("Sơn La", YEAR, username="sonla"),
        "chair": make_staff("Phú Thọ", YEAR, username="phutho"),  # head of Tây Bắc 2023
        "vice": make_staff("Lào Cai", YEAR, username="laocai"),  # vice-head 2023
        "outsider": make_staff("Cao Bằng", YEAR, username="caobang"),
        "admin": admin_user,
    }


# Who reads, who writes ------------------------------------------------------------------------

MATRIX = [
    # persona, page, add a row, import page
    (None, 302, 302, 302),
    ("outsider", 404, 404, 404),
    ("other", 404, 404, 404),
    ("own", 200, 302, 200),
    ("chair", 200, 403, 403),
    ("vice", 200, 403, 403),
    ("national", 200, 403, 403),  # reads every member's register, writes none
    ("admin", 200, 302, 200),
]


@pytest.mark.parametrize("who, page, add, upload", MATRIX)
def test_the_access_matrix(client, personas, who, page, add, upload):
    shown = record()
    if who:
        client.force_login(personas[who])
    response = client.get(PAGE)
    assert response.status_code == page
    if page == 200:
        assert "01/QĐ" in response.text
        editable = who in ("own", "admin")
        assert ('name="decision_number"' in response.text) is editable
    assert client.post(PAGE, ROW).status_code == add
    assert AwardRecord.objects.count() == (2 if add == 302 and who else 1)
    assert client.get(IMPORT).status_code == upload
    delete = reverse("awards:delete", args=[YEAR, "14", shown.pk])
    expected = {302: 302, 403: 403, 404: 404}[add]
    assert client.post(delete, {"version": shown.version}).status_code == expected
    assert AwardRecord.objects.filter(pk=shown.pk).exists() is not (add == 302 and bool(who))


# A row on the page ----------------------------------------------------------------------------


def test_a_row_is_added_with_its_history_and_a_cooperative_by_its_directory_name(client, personas):
    client.force_login(personas["own"])
    Cooperative.objects.create(
        province=son_la(), name="HTX Chè Mộc Châu", name_key="htx che moc chau", kind="HTX"
    )
    response = client.post(PAGE, {**ROW, "cooperative_name": "htx che moc chau"})
    assert response.status_code == 302
    added = AwardRecord.objects.get()
    assert added.cooperative.name == "HTX Chè Mộc Châu" and added.alliance is None
    assert added.history.get().history_user == personas["own"]
    response = client.post(PAGE, {**ROW, "cooperative_name": "HTX Không Có"})
    assert response.status_code == 400
    assert "Không có HTX/THT “HTX Không Có” trong danh bạ của tỉnh Sơn La" in response.text
    response = client.post(PAGE, {**ROW, "decision_date": "16/01/2021"})
    assert response.status_code == 400
    assert "không thể ban hành trước năm 2022" in response.text
    assert AwardRecord.objects.count() == 1


# The upload -----------------------------------------------------------------------------------


def upload(client, text: str):
    data = text.encode()
    return client.post(IMPORT, {"file": SimpleUploadedFile("khen-thuong.csv", data)})


def test_a_file_is_previewed_then_confirmed(client, personas):
    client.force_login(personas["own"])
    text = HEADER + ",".join(ROW.values()) + ",\n"
    preview = upload(client, text)
    assert preview.status_code == 200
    assert "15/QĐ-LMHTXVN" in preview.text and not AwardRecord.objects.exists()
    response = client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})
    assert response.status_code == 302
    saved = AwardRecord.objects.get()
    assert (saved.alliance, saved.year, saved.decision_date) == (
        son_la(),
        2022,
        datetime.date(2023, 1, 16),
    )
    assert saved.history.get().history_user == personas["own"]


def test_a_file_with_a_bad_row_is_refused_whole_with_every_error_named(client, personas):
    client.force_login(personas["own"])
    good = ",".join(ROW.values()) + ","
    text = (
        HEADER
        + good
        + "\n"
        + "2022,Giấy khen,02/QĐ,31/02/2023,UBND tỉnh,\n"  # no such day
        + "2022,,03/QĐ,05/01/2023,UBND tỉnh,HTX Không Có\n"  # no award, unknown cooperative
    )
    response = upload(client, text)
    assert response.status_code == 400
    page = response.text
    assert "không có thật" in page
    assert "Chưa ghi hình thức khen thưởng" in page
    assert "Không có HTX/THT “HTX Không Có”" in page
    assert "token" not in response.context or not response.context.get("token")
    assert not AwardRecord.objects.exists()


def test_the_import_service_refuses_the_whole_file_for_one_bad_row(personas):
    good = ",".join(ROW.values()) + ","
    text = HEADER + good + "\n" + "2022,Giấy khen,02/QĐ,05/01/2021,UBND tỉnh,\n"
    report = awards_import(
        data=text.encode(),
        filename="x.csv",
        user=personas["own"],
        dry_run=False,
        province=son_la(),
    )
    assert not report.ok and not report.saved
    assert [e.row for e in report.errors] == [3]
    assert "không thể ban hành trước năm 2022" in report.errors[0].message
    assert not AwardRecord.objects.exists()


def test_a_file_repeating_a_decision_already_in_the_register_is_refused(personas):
    record(year=2022, decision_number="15/QĐ-LMHTXVN")
    text = HEADER + ",".join(ROW.values()) + ",\n"
    report = awards_import(
        data=text.encode(), filename="x.csv", user=personas["own"], dry_run=False, province=son_la()
    )
    assert not report.ok
    assert "Quyết định này đã có trong sổ" in report.errors[0].message
    assert AwardRecord.objects.count() == 1


# The achievement report's table --------------------------------------------------------------


def test_the_demo_reports_print_awards_received_as_a_table(demo_data):
    dossier = dossier_for(Cluster.objects.get(slug="tay-bac"), YEAR)
    lai_chau = next(n for n in dossier.nominees if n.name == "Liên minh HTX tỉnh Lai Châu")
    document = achievement_report(dossier, lai_chau)
    table = next(
        b
        for b in document.blocks
        if getattr(b, "headers", None)
        and b.headers[:3] == ["Năm", "Hình thức khen thưởng", "Số quyết định"]
    )
    assert table.headers == [
        "Năm",
        "Hình thức khen thưởng",
        "Số quyết định",
        "Ngày quyết định",
        "Cơ quan ban hành",
    ]
    assert [row.cells for row in table.rows] == [
        [
            "2019",
            "Bằng khen của Chủ tịch Liên minh Hợp tác xã Việt Nam",
            "41/QĐ-LMHTXVN",
            "17/01/2020",
            "Liên minh Hợp tác xã Việt Nam",
        ]
    ]
    # Every nominee has its table; none is free text.
    for nominee in dossier.nominees:
        assert nominee.awards, nominee.name
