"""The scoring pages through the views, for every persona: anonymous, a member's staff
reading another member's sheet, the member's own staff, the chair of the year (and the
vice-head), an admin; the evidence files, including a URL guessed by another member."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from emulation.models import EvidenceFile, Nomination
from emulation.scoring.sheets import sheet_answer
from tests.scoring_helpers import (
    TAY_BAC_2023,
    build_agreement,
    cross_check,
    data_for,
    leaf,
    meeting_record,
    self_score,
    sheets_shown,
    signed_agreement,
    unit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoring_states")]
YEAR = 2023
OVERVIEW = reverse("scoring:overview", args=["tay-bac", YEAR])
SON_LA = reverse("scoring:sheet", args=["tay-bac", YEAR, "14"])
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def personas(client, make_staff, admin_user):
    users = {
        "other": make_staff("Điện Biên", YEAR),
        "own": make_staff("Sơn La", YEAR),
        "chair": make_staff("Phú Thọ", YEAR),
        "vice": make_staff("Lào Cai", YEAR),
        "outsider": make_staff("Cao Bằng", YEAR),
        "admin": admin_user,
    }

    def login(name):
        client.logout()
        if name != "anonymous":
            client.force_login(users[name])
        return client

    login.users = users
    return login


def upload(client, name="quyet-dinh.pdf", content=PDF, criterion=None):
    data = data_for()
    return client.post(
        SON_LA,
        {
            "action": "upload",
            "criterion": criterion or leaf(data, "II.1").pk,
            "version": data.column(unit("14").pk).sheet.version
            if data.column(unit("14").pk).sheet
            else 0,
            "file": SimpleUploadedFile(name, content),
        },
    )


def record_meeting():
    for code in TAY_BAC_2023:
        if code != "14":
            self_score(code, {"II.1": 20})
    meeting_record()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other", 200),
        ("own", 200),
        ("chair", 200),
        ("admin", 200),
    ],
)
def test_the_overview_is_for_the_clusters_members(personas, persona, status):
    signed_agreement()
    assert personas(persona).get(OVERVIEW).status_code == status


def test_other_members_totals_wait_for_the_meeting(personas):
    signed_agreement()
    self_score("14", {"II.1": 30})
    page = personas("other").get(OVERVIEW).content.decode()
    assert "xem được sau cuộc họp bình xét" in page
    assert 'data-testid="ranking"' not in page
    page = personas("chair").get(OVERVIEW).content.decode()
    assert 'data-testid="ranking"' in page and 'data-testid="scoring-chart"' in page


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other", 404),
        ("own", 200),
        ("chair", 200),
        ("vice", 200),
        ("admin", 200),
    ],
)
def test_a_sheet_is_read_by_its_member_the_chair_vice_and_admins(personas, persona, status):
    signed_agreement()
    self_score("14", {"II.1": 30})
    assert personas(persona).get(SON_LA).status_code == status


def test_other_members_read_a_sheet_once_the_meeting_is_recorded(personas):
    signed_agreement()
    self_score("14", {"II.1": 30})
    record_meeting()
    assert personas("other").get(SON_LA).status_code == 200
    assert personas("outsider").get(SON_LA).status_code == 404


def test_staff_self_score_and_submit_through_the_page(personas):
    signed_agreement()
    client = personas("own")
    data = data_for()
    criterion = leaf(data, "II.1").pk
    response = client.post(
        SON_LA,
        {
            "action": "submit",
            "version": 0,
            f"self-{criterion}": "32,5",
            f"just-{criterion}": "Tham gia đủ 6 hoạt động.",
        },
    )
    assert response.status_code == 302
    column = data_for().column(unit("14").pk)
    assert column.sheet.is_submitted and column.total == 32.5


def test_a_bad_score_is_shown_with_what_was_typed_kept(personas):
    signed_agreement()
    criterion = leaf(data_for(), "II.1").pk
    response = personas("own").post(
        SON_LA,
        {"action": "self", "version": 0, f"self-{criterion}": "41", f"just-{criterion}": "Nhiều"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "vượt điểm tối đa 40" in page and 'value="41"' in page
    response = personas("own").post(SON_LA, {"action": "self", f"self-{criterion}": "abc"})
    assert response.status_code == 400 and "“abc” không phải là số" in response.content.decode()


@pytest.mark.parametrize(
    "persona, action, status",
    [
        ("other", "self", 404),
        ("chair", "self", 403),
        ("own", "cross", 403),
        ("own", "settle", 403),
        ("vice", "cross", 302),
        ("chair", "cross", 302),
        ("own", "nonsense", 404),
    ],
)
def test_each_step_is_for_its_persona(personas, persona, action, status):
    signed_agreement()
    sheet = self_score("14", {"II.1": 30})
    criterion = leaf(data_for(), "II.1").pk
    response = personas(persona).post(
        SON_LA,
        {"action": action, "version": sheet.version, f"cross-{criterion}": "30"},
    )
    assert response.status_code == status


def test_the_chair_cross_checks_and_the_member_contests_on_the_page(personas):
    signed_agreement()
    sheet = self_score("14", {"II.1": 30})
    criterion = leaf(data_for(), "II.1").pk
    chair = personas("chair")
    response = chair.post(
        SON_LA, {"action": "cross", "version": sheet.version, f"cross-{criterion}": "25"}
    )
    assert response.status_code == 409 and "ghi lý do" in response.content.decode()
    chair.post(
        SON_LA,
        {
            "action": "cross",
            "version": sheet.version,
            f"cross-{criterion}": "25",
            f"reason-{criterion}": "Thiếu ảnh.",
        },
    )
    own = personas("own")
    page = own.get(SON_LA).content.decode()
    assert "criterion row g-2 depth-1 differs" in page and "Thiếu ảnh." in page
    version = data_for().column(unit("14").pk).sheet.version
    own.post(
        SON_LA,
        {
            "action": "answer",
            "version": version,
            f"answer-{criterion}": "contest",
            f"comment-{criterion}": "Có ảnh.",
        },
    )
    assert data_for().column(unit("14").pk).cells[criterion].contested


# Evidence ---------------------------------------------------------------------------------


def test_evidence_is_stored_and_served_only_to_readers_of_the_sheet(personas):
    signed_agreement()
    assert upload(personas("own")).status_code == 302
    item = EvidenceFile.objects.get()
    assert item.original_name == "quyet-dinh.pdf" and item.size == len(PDF)
    assert "son" not in item.file.name and item.file.name.endswith(".pdf")
    url = reverse("scoring:evidence", args=["tay-bac", YEAR, "14", item.pk])
    for persona, status in [
        ("anonymous", 302),
        ("outsider", 404),
        ("other", 404),
        ("own", 200),
        ("chair", 200),
        ("vice", 200),
        ("admin", 200),
    ]:
        response = personas(persona).get(url)
        assert response.status_code == status, persona
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert "attachment" in response["Content-Disposition"]


def test_a_guessed_evidence_url_under_another_sheet_is_404(personas):
    signed_agreement()
    upload(personas("own"))
    item = EvidenceFile.objects.get()
    self_score("11", {"II.1": 20}, submit=False)
    guessed = reverse("scoring:evidence", args=["tay-bac", YEAR, "11", item.pk])
    assert personas("other").get(guessed).status_code == 404
    assert personas("other").get(guessed.replace(str(item.pk), "999999")).status_code == 404


def test_evidence_becomes_readable_to_members_after_the_meeting(personas):
    signed_agreement()
    upload(personas("own"))
    self_score("14", {"II.1": 30})
    record_meeting()
    item = EvidenceFile.objects.get()
    url = reverse("scoring:evidence", args=["tay-bac", YEAR, "14", item.pk])
    assert personas("other").get(url).status_code == 200


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ....", "chỉ nhận PDF"),
        ("fake.pdf", b"<html>not a pdf</html>", "không đúng định dạng PDF"),
        ("big.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024), "vượt giới hạn 5 MB"),
        ("empty.pdf", b"", "rỗng"),
    ],
)
def test_unsuitable_evidence_is_refused_with_a_reason(personas, name, content, message):
    signed_agreement()
    response = upload(personas("own"), name=name, content=content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_only_the_member_attaches_evidence(personas):
    signed_agreement()
    assert upload(personas("chair")).status_code == 403
    assert upload(personas("other")).status_code == 404


def test_the_member_deletes_its_evidence(personas):
    signed_agreement()
    client = personas("own")
    upload(client)
    item = EvidenceFile.objects.get()
    version = data_for().column(unit("14").pk).sheet.version
    client.post(SON_LA, {"action": "delete-evidence", "evidence": item.pk, "version": version})
    assert not EvidenceFile.objects.exists()


# The result, setup and downloads -----------------------------------------------------------


def test_the_chair_records_the_meeting_and_proposes_the_leader(personas):
    signed_agreement()
    for code in TAY_BAC_2023:
        self_score(code, {"II.1": 30 if code == "25" else 20})
    meeting = reverse("scoring:meeting", args=["tay-bac", YEAR])
    assert personas("own").post(meeting, {}).status_code == 403
    chair = personas("chair")
    response = chair.post(
        meeting,
        {
            "meeting_date": "30/11/2023",
            "present": "7",
            f"votes-{unit('25').pk}": "7",
            "ballots_issued": "7",
            "ballots_returned": "7",
            "ballots_valid": "7",
            "version": data_for().agreement.version,
            **sheets_shown(),
        },
    )
    assert response.status_code == 302
    assert data_for().locked
    propose = reverse("scoring:propose", args=["tay-bac", YEAR])
    flag = Nomination._meta.get_field("award_type").related_model.objects.get(code="emulation-flag")
    chosen = {"award_type": flag.pk, "provinces": [unit("25").pk]}
    response = chair.post(propose, {**chosen, "version": data_for().agreement.version})
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.votes_for == 7 and "Xếp thứ 1/7" in nomination.achievements


def test_a_meeting_with_a_bad_date_is_refused_without_a_500(personas):
    signed_agreement()
    meeting = reverse("scoring:meeting", args=["tay-bac", YEAR])
    response = personas("chair").post(meeting, {"meeting_date": "31/02/2023", "present": "x"})
    assert response.status_code == 400


def test_only_an_admin_reopens(personas):
    signed_agreement()
    for code in TAY_BAC_2023:
        self_score(code, {"II.1": 20})
    record_meeting_url = reverse("scoring:reopen", args=["tay-bac", YEAR])
    meeting_record()
    assert personas("chair").post(record_meeting_url, {"reason": "x"}).status_code == 403
    assert (
        personas("admin")
        .post(record_meeting_url, {"reason": "Sai số.", "version": data_for().agreement.version})
        .status_code
        == 302
    )
    assert not data_for().locked


@pytest.mark.parametrize(
    "persona, status",
    [("own", 403), ("other", 403), ("chair", 200), ("vice", 403), ("admin", 200)],
)
def test_the_setup_page_is_for_the_chair_and_admins(personas, persona, status):
    build_agreement(sign=False)
    url = reverse("scoring:setup", args=["tay-bac", YEAR])
    assert personas(persona).get(url).status_code == status


def test_the_chair_builds_and_signs_an_agreement_on_the_setup_page(personas):
    chair = personas("chair")
    url = reverse("scoring:setup", args=["tay-bac", YEAR])
    chair.post(url, {"action": "new", "total_points": "50"})
    response = chair.post(
        url,
        {
            "action": "criterion",
            "version": data_for().agreement.version,
            "number": "I",
            "title": "Nhóm",
            "kind": "group",
            "max_points": "50",
        },
    )
    assert response.status_code == 302
    group = data_for().criteria[0]
    response = chair.post(
        url,
        {
            "action": "criterion",
            "version": data_for().agreement.version,
            "group": group.pk,
            "number": "1",
            "title": "HTX mới",
            "kind": "target",
            "max_points": "50",
            "indicator": "htx_new",
            "bands_text": "≥ 100: 50; ≥ 80: 40",
        },
    )
    assert response.status_code == 302
    target = data_for().leaves[0]
    page = chair.get(url).content.decode()
    assert "không phủ mọi giá trị" in page and "7 tỉnh chưa được giao chỉ tiêu" in page
    assert (
        chair.post(
            url,
            {"action": "sign", "signed_on": "08/12/2022", "version": data_for().agreement.version},
        ).status_code
        == 302
    )
    assert not data_for().agreement.is_signed  # refused, with the message
    chair.post(
        url,
        {
            "action": "criterion",
            "version": data_for().agreement.version,
            "criterion": target.pk,
            "group": group.pk,
            "number": "1",
            "title": "HTX mới",
            "kind": "target",
            "max_points": "50",
            "indicator": "htx_new",
            "bands_text": "≥ 100: 50; ≥ 80: 40; còn lại: 10",
        },
    )
    chair.post(
        url,
        {
            "action": "targets",
            "version": data_for().agreement.version,
            **{f"t-{target.pk}-{m.pk}": "12" for m in data_for().members},
        },
    )
    chair.post(
        url, {"action": "sign", "signed_on": "08/12/2022", "version": data_for().agreement.version}
    )
    agreement = data_for().agreement
    assert agreement.is_signed and agreement.signed_on == datetime.date(2022, 12, 8)


def test_an_import_with_bad_rows_lists_them_and_imports_nothing(personas):
    url = reverse("scoring:setup", args=["tay-bac", YEAR])
    csv = "number,title,kind,max_points\nI,Nhóm,group,100\n1,Phối hợp,judgedd,100\nX1,,judged,abc\n"
    response = personas("chair").post(
        url, {"action": "import", "file": SimpleUploadedFile("tieu-chi.csv", csv.encode())}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dòng 3" in page and "Dòng 4" in page
    assert data_for().agreement is None


@pytest.mark.parametrize(
    "persona, status", [("other", 403), ("own", 403), ("chair", 200), ("admin", 200)]
)
def test_the_summary_downloads_follow_the_read_rule(personas, persona, status):
    signed_agreement()
    for suffix in ("pdf", "xlsx"):
        url = reverse(f"scoring:{suffix}", args=["tay-bac", YEAR])
        assert personas(persona).get(url).status_code == status


@pytest.mark.parametrize(
    "url",
    [
        "/clusters/tay-bac/99999/scoring/",
        "/clusters/tay-bac/2023/scoring/xx/",
        "/clusters/tay-bac/2023/scoring/99/",
        "/clusters/tay-bac/2023/scoring/04/",
        "/clusters/nowhere/2023/scoring/",
        "/clusters/tay-bac/2023/scoring/14/evidence/1/",
    ],
)
def test_odd_urls_are_404_not_500(personas, url):
    signed_agreement()
    assert personas("admin").get(url).status_code == 404


def test_the_vice_head_cross_checks_too(personas):
    signed_agreement()
    sheet = self_score("14", {"II.1": 30})
    criterion = leaf(data_for(), "II.1").pk
    personas("vice").post(
        SON_LA,
        {
            "action": "cross",
            "version": sheet.version,
            f"cross-{criterion}": "28",
            f"reason-{criterion}": "Thiếu.",
        },
    )
    assert data_for().column(unit("14").pk).cells[criterion].cluster_points == 28
    assert cross_check  # the helper is shared with the services tests


def test_targets_are_typed_the_vietnamese_way(personas):
    build_agreement(sign=False)
    target = leaf(data_for(), "I.1")
    url = reverse("scoring:setup", args=["tay-bac", YEAR])
    members = data_for().members
    fields = {f"t-{target.pk}-{m.pk}": "12.241" for m in members}
    fields[f"t-{target.pk}-{members[0].pk}"] = "1.637,5"
    assert (
        personas("chair")
        .post(url, {"action": "targets", "version": data_for().agreement.version, **fields})
        .status_code
        == 302
    )
    targets = data_for().targets
    assert targets[(target.pk, members[1].pk)] == 12241
    assert targets[(target.pk, members[0].pk)] == Decimal("1637.5")
    page = personas("chair").get(url).content.decode()
    assert 'value="12.241"' in page
    bad = {**fields, f"t-{target.pk}-{members[0].pk}": "-5"}
    response = personas("chair").post(
        url, {"action": "targets", "version": data_for().agreement.version, **bad}
    )
    assert response.status_code == 400 and "phải từ 0" in response.content.decode()


def test_two_editors_of_the_criteria_do_not_overwrite_each_other(personas):
    build_agreement(sign=False)
    url = reverse("scoring:setup", args=["tay-bac", YEAR])
    data = data_for()
    seen = data.agreement.version
    criterion = leaf(data, "II.1")
    fields = {
        "action": "criterion",
        "criterion": criterion.pk,
        "group": criterion.parent_id,
        "number": "1",
        "kind": "judged",
        "max_points": "40",
    }
    admin = personas("admin")
    assert (
        admin.post(url, {**fields, "title": "Bản của quản trị", "version": seen}).status_code == 302
    )
    chair = personas("chair")
    response = chair.post(url, {**fields, "title": "Bản của Cụm trưởng", "version": seen})
    assert response.status_code == 409
    page = response.content.decode()
    assert "sau khi bạn mở biểu mẫu" in page and 'value="Bản của Cụm trưởng"' in page
    assert leaf(data_for(), "II.1").title == "Bản của quản trị"


def test_the_chair_starts_next_year_from_this_years_agreement(personas):
    build_agreement(targets={"25": Decimal(44)})
    url = reverse("scoring:setup", args=["tay-bac", 2024])
    chair_2024 = personas("vice")  # Lào Cai heads the cluster in 2024
    assert chair_2024.post(url, {"action": "copy"}).status_code == 302
    data = data_for(year=2024)
    assert len(data.criteria) == 9 and not data.agreement.is_signed
    assert data.targets[(leaf(data, "I.1").pk, unit("25", 2024).pk)] == 44
    response = chair_2024.post(url, {"action": "copy"})
    assert response.status_code == 302  # refused with a message: the year has one already
    assert data_for(year=2024).agreement.pk == data.agreement.pk


def emulation_rows() -> dict:
    """Every row of the emulation app (agreements, criteria, targets, sheets, scores,
    evidence, meetings, nominations and their history), to show a refusal saved nothing."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("emulation").get_models()
    }


def real_keys(data) -> dict:
    target = next(c for c in data.leaves if c.kind == "target")
    return {
        "version": data.agreement.version,
        "target": f"t-{target.pk}-{data.members[0].pk}",
        "leaf": leaf(data, "II.1").pk,
    }


# Each bad input with the one answer it gets (a 302 would be a save) and, for a refusal
# that is not an access or lookup refusal, the message that says why.
@pytest.mark.parametrize(
    "path, data, status",
    [
        (
            "setup",
            lambda k: {
                "action": "criterion",
                "version": k["version"],
                "number": "",
                "kind": "x",
                "max_points": "abc",
                "group": "999",
            },
            400,
        ),
        (
            "setup",
            lambda k: {
                "action": "criterion",
                "version": k["version"],
                "number": "1",
                "title": "T",
                "kind": "target",
                "max_points": "5",
                "bands_text": "≥ x: 1",
            },
            400,
        ),
        ("setup", lambda k: {"action": "delete", "version": k["version"], "criterion": "abc"}, 404),
        (
            "setup",
            lambda k: {"action": "targets", "version": k["version"], k["target"]: "1e999"},
            400,
        ),
        ("setup", lambda k: {"action": "targets", k["target"]: "12"}, 409),  # no version: stale
        (
            "setup",
            lambda k: {"action": "sign", "version": k["version"], "signed_on": "2022-12-08"},
            400,
        ),
        ("setup", lambda k: {"action": "import", "version": k["version"]}, 400),
        ("setup", lambda k: {"action": "bogus", "version": k["version"]}, 404),
        (
            "meeting",
            lambda k: {"meeting_date": "30/11/2023", "present": "-1", "votes-1": "-3"},
            400,
        ),
        ("propose", lambda k: {"award_type": "abc", "provinces": ["x"]}, 400),
        ("reopen", lambda k: {}, 400),
    ],
)
def test_bad_form_input_is_refused_and_saves_nothing(personas, path, data, status):
    build_agreement(sign=False)
    before = emulation_rows()
    posted = data(real_keys(data_for()))
    response = personas("admin").post(reverse(f"scoring:{path}", args=["tay-bac", YEAR]), posted)
    assert response.status_code == status
    assert emulation_rows() == before


def son_la_at(stage: str) -> None:
    """Sơn La's sheet at `stage`: self-scored (not sent), submitted, or cross-checked with a
    difference the member contested (so each action's input is read, not refused first)."""
    signed_agreement()
    self_score("14", {"II.1": 30}, submit=stage != "draft")
    if stage == "contested":
        cross_check("14", {"II.1": (20, "Thiếu minh chứng.")})
        data = data_for()
        sheet_answer(
            data=data,
            province=unit("14"),
            answers={leaf(data, "II.1").pk: ("contest", "Đã gửi minh chứng.")},
            seen_version=data.column(unit("14").pk).sheet.version,
            by=None,
        )


@pytest.mark.parametrize(
    "stage, persona, data, status",
    [
        (
            "draft",
            "own",
            lambda k: {"action": "self", "version": "x", f"self-{k['leaf']}": "1" * 40},
            400,
        ),
        (
            "submitted",
            "chair",
            lambda k: {"action": "cross", "version": k["sheet"], f"cross-{k['leaf']}": "-1"},
            400,
        ),
        (
            "draft",
            "chair",
            lambda k: {"action": "cross", "version": k["sheet"], f"cross-{k['leaf']}": "20"},
            403,
        ),  # not sent yet
        (
            "contested",
            "own",
            lambda k: {"action": "answer", "version": k["sheet"], f"answer-{k['leaf']}": "x"},
            400,
        ),
        (
            "contested",
            "chair",
            lambda k: {"action": "settle", "version": k["sheet"], f"settle-{k['leaf']}": "-1"},
            400,
        ),
        (
            "draft",
            "own",
            lambda k: {"action": "upload", "version": k["sheet"], "criterion": "abc"},
            400,
        ),
        (
            "draft",
            "own",
            lambda k: {"action": "delete-evidence", "evidence": "abc", "version": k["sheet"]},
            404,
        ),
    ],
)
def test_bad_sheet_input_is_refused_and_saves_nothing(personas, stage, persona, data, status):
    son_la_at(stage)
    keys = real_keys(data_for())
    keys["sheet"] = data_for().column(unit("14").pk).sheet.version
    before = emulation_rows()
    posted = data(keys)
    response = personas(persona).post(SON_LA, posted)
    assert response.status_code == status
    assert emulation_rows() == before
