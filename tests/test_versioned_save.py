"""One rule for every record two people can edit and every life-cycle action on one, on the
pages, in the admin, in the upload confirm and in the API (cluster_portal.locking): a
stale version is refused and nothing changes; a missing version is refused and nothing
changes; the version the page showed succeeds and moves the version on by one."""

import datetime
import json
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from emulation.models import (
    AchievementReport,
    AwardQuota,
    AwardType,
    Conference,
    ReportSettings,
    Score,
    ScoreSheet,
    VoteRule,
)
from emulation.scoring.meeting import scoring_meeting_record, shown_sheet_versions
from emulation.scoring.services import ScoringError
from emulation.scoring.sheets import sheet_cross_check
from provinces.calendar.models import Deadlines
from provinces.figures.excel import figures_import
from provinces.figures.spec import CODES
from provinces.models import Cluster, ClusterMembership, ClusterTerm, FiguresStatus, YearlyFigures
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES, make_disbursement, make_figures
from tests.scoring_helpers import data_for, leaf, unit
from tests.test_conference import form_data as conference_form
from tests.versioned_emulation import (
    agreement_setup,
    all_submitted,
    evidence_step,
    nomination,
    nomination_step,
    ranking_propose_page,
    report_page,
    report_return,
    report_save_and_submit,
    scoring_meeting,
    scoring_meeting_sheet,
    scoring_reopen,
    sheet_step,
    signed_agreement,
)
from tests.versions import Case, send, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoring_states")]

# A vote by secret ballot, the default rule (emulation/nominations/rules.py).
SECRET_BALLOT_7 = {
    "voting_method": "secret",
    "ballots_issued": 7,
    "ballots_returned": 7,
    "ballots_valid": 7,
}


def admin_form(client: Client, url: str) -> dict:
    """The admin change form as opened: every field's value, the version seen dropped
    (the inline rows keep theirs)."""
    context = client.get(url).context
    data = form_values(context["adminform"].form, skip="seen_version")
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[f"{formset.prefix}-{field.name}"] = field.value()
        for row in formset.initial_forms:
            data.update(form_values(row))
    return data


def form_values(form, skip: str = "") -> dict:
    data = {}
    for field in form:
        value = field.value()
        if value is None or field.name == skip:
            continue
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
            continue
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        data[field.html_name] = value
    return data


# The records and actions -------------------------------------------------------------------


def figures_in(status: str) -> YearlyFigures:
    return make_figures("14", 2024, status=status)


def figures_page(action: str, status: str, **data) -> Callable[[Client], Case]:
    def build(admin: Client) -> Case:
        figures = figures_in(status)
        url = reverse(f"figures:{action}", args=[2024, "14"])
        return Case(figures, lambda seen: admin.post(url, send(data, seen)))

    return build


def figures_edit(admin: Client) -> Case:
    figures = figures_in(FiguresStatus.DRAFT)
    url = reverse("figures:edit", args=[2024, "14"])
    typed = {c: str(GOOD_VALUES[c]).replace(".", ",") for c in CODES}
    return Case(figures, lambda seen: admin.post(url, send({**typed, "tht_new": "120"}, seen)))


def figures_admin(admin: Client) -> Case:
    figures = figures_in(FiguresStatus.DRAFT)
    url = reverse("admin:provinces_yearlyfigures_change", args=[figures.pk])
    data = {**admin_form(admin, url), "tht_new": "121"}
    return Case(figures, lambda seen: admin.post(url, send(data, seen)))


def figures_upload_confirm(admin: Client) -> Case:
    """The confirm of an upload runs with the versions its preview saw."""
    figures = figures_in(FiguresStatus.DRAFT)
    row = {"province": "14", "year": 2024, **GOOD_VALUES, "tht_new": 122}
    header = ",".join(row)
    body = (header + "\n" + ",".join(str(v) for v in row.values()) + "\n").encode()
    key = f"{figures.province_id}:2024"

    def act(seen):
        expected = {key: seen} if seen is not None else {}
        return figures_import(
            data=body,
            filename="so-lieu.csv",
            user=None,
            dry_run=False,
            expected_versions=expected,
        )

    return Case(figures, act)


def figures_api(method: str) -> Callable[[Client], Case]:
    def build(admin: Client) -> Case:
        figures = figures_in(FiguresStatus.DRAFT)
        token = token_for(admin.user)
        url = f"{API}/figures/2024/14" + ("/submit" if method == "submit" else "")
        payload = {"values": {**GOOD_VALUES, "tht_new": 123}} if method == "put" else {}

        def act(seen):
            body = {**payload, "version": seen} if seen is not None else payload
            call = admin.put if method == "put" else admin.post
            data = json.dumps(body, default=str)
            response = call(url, data=data, content_type="application/json", headers=bearer(token))
            assert response.status_code in (200, 201, 409, 422), response.content
            return response

        return Case(figures, act)

    return build


DISBURSEMENT = {
    "fund": "htx_dev",
    "date": "01/05/2024",
    "borrower_name": "HTX Bình Minh",
    "borrower_kind": "HTX",
    "amount": "361",
    "purpose": "Mua máy sấy chè",
    "term_months": "24",
}


def disbursement_edit(admin: Client) -> Case:
    disbursement = make_disbursement("14", "2024-05-01", "100")
    url = reverse("disbursements:edit", args=[disbursement.pk])
    return Case(disbursement, lambda seen: admin.post(url, send(DISBURSEMENT, seen)))


def disbursement_delete(admin: Client) -> Case:
    disbursement = make_disbursement("14", "2024-05-01", "100")
    url = reverse("disbursements:delete", args=[disbursement.pk])
    return Case(disbursement, lambda seen: admin.post(url, send({}, seen)), deletes=True)


def in_admin(model: str, make, **changes) -> Callable[[Client], Case]:
    def build(admin: Client) -> Case:
        record = make()
        url = reverse(f"admin:{model}_change", args=[record.pk])
        data = {**admin_form(admin, url), **changes}
        return Case(record, lambda seen: admin.post(url, send(data, seen)))

    return build


def cooperative():
    return make_disbursement("14", "2024-05-01", "100").borrower


def term_2024():
    return ClusterTerm.objects.get(cluster__slug="tay-bac", year=2024)


def tay_bac() -> Cluster:
    return Cluster.objects.get(slug="tay-bac")


def membership() -> ClusterMembership:
    return ClusterMembership.objects.filter(cluster=tay_bac()).order_by("pk").first()


def award_type() -> AwardType:
    return AwardType.objects.get(code="emulation-flag")


def quota() -> AwardQuota:
    return AwardQuota.objects.create(cluster=tay_bac(), year=2023, award_type=award_type(), quota=2)


def vote_rule() -> VoteRule:
    return VoteRule.objects.create(cluster=tay_bac(), year=2023, threshold_percent=50)


def rotation_page(admin: Client) -> Case:
    term = term_2024()
    url = reverse("rotation:rotate", args=["tay-bac"]) + "?to_year=2024"
    data = {"to_year": 2024, "replace": "on", "vice": unit("14", 2024).pk}
    return Case(term, lambda seen: admin.post(url, send(data, seen)))


def conference() -> Conference:
    return Conference.objects.create(
        cluster=Cluster.objects.get(slug="tay-bac"),
        year=2023,
        ordinal="XII",
        date=datetime.date(2023, 11, 30),
        venue="Phú Thọ",
        host=unit("25"),
    )


def conference_page(admin: Client) -> Case:
    record = conference()
    url = reverse("conference:edit", args=["tay-bac", 2023])
    return Case(record, lambda seen: admin.post(url, send(conference_form(), seen)))


def deadlines_page(admin: Client) -> Case:
    record = Deadlines.objects.create(cluster=Cluster.objects.get(slug="tay-bac"), year=2024)
    url = reverse("calendar:deadlines", args=["tay-bac", 2024])
    form = admin.get(url).context["form"]
    data = {
        f.name: f.value().strftime("%d/%m/%Y") if f.value() else "" for f in form.visible_fields()
    }
    first = next(iter(data))
    data[first] = "01/03/2024"
    return Case(record, lambda seen: admin.post(url, send(data, seen)))


def report_settings_page(admin: Client) -> Case:
    record = ReportSettings.objects.create(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)
    url = reverse("reports:settings", args=["tay-bac", 2023])
    data = {"number": "7", "symbol": "CTĐ-TB", "place": "Phú Thọ", "signer_title": "Chủ tịch"}
    return Case(record, lambda seen: admin.post(url, send(data, seen)))


CASES: dict[str, Callable[[Client], Case]] = {
    "figures: edit page": figures_edit,
    "figures: submit page": figures_page("submit", FiguresStatus.DRAFT),
    "figures: return page": figures_page("return", FiguresStatus.SUBMITTED, reason="Sai"),
    "figures: approve page": figures_page("approve", FiguresStatus.SUBMITTED),
    "figures: reopen page": figures_page("reopen", FiguresStatus.APPROVED, reason="Sai"),
    "figures: admin": figures_admin,
    "figures: upload confirm": figures_upload_confirm,
    "figures: API write": figures_api("put"),
    "figures: API submit": figures_api("submit"),
    "disbursement: edit page": disbursement_edit,
    "disbursement: delete page": disbursement_delete,
    "disbursement: admin": in_admin(
        "provinces_disbursement",
        lambda: make_disbursement("14", "2024-05-01", "100"),
        amount="222",
    ),
    "cooperative: admin": in_admin("provinces_cooperative", cooperative, name="HTX Mới"),
    "province: admin": in_admin("provinces_province", lambda: unit("14", 2024), note="Mới"),
    "cluster: admin": in_admin("provinces_cluster", tay_bac, name="Cụm Tây Bắc (mới)"),
    "cluster membership: admin": in_admin(
        "provinces_clustermembership", membership, rotation_order="9"
    ),
    "award type: admin": in_admin("emulation_awardtype", award_type, name="Cờ thi đua (mới)"),
    "award quota: admin": in_admin("emulation_awardquota", quota, quota="3"),
    "vote rule: admin": in_admin("emulation_voterule", vote_rule, threshold_percent="60"),
    "cluster term: rotation page": rotation_page,
    "cluster term: admin": in_admin("provinces_clusterterm", term_2024),
    "conference: page": conference_page,
    "conference: admin": in_admin("emulation_conference", conference, venue="Hà Nội"),
    "deadlines: page": deadlines_page,
    "report settings: page": report_settings_page,
    "nomination: vote": nomination_step(
        "vote", "proposed", {"votes_for": "6", "votes_present": "7", **SECRET_BALLOT_7}
    ),
    "nomination: endorse": nomination_step(
        "endorse", "proposed", votes_for=7, votes_present=7, **SECRET_BALLOT_7
    ),
    "nomination: submit": nomination_step("submit", "endorsed"),
    "nomination: decide": nomination_step(
        "decide", "submitted", {"outcome": "not_granted", "reason": "Hết chỉ tiêu."}
    ),
    "nomination: withdraw": nomination_step("withdraw", "proposed"),
    "nomination: admin": in_admin("emulation_nomination", nomination, achievements="Mới"),
    "agreement: criterion": agreement_setup("criterion"),
    "agreement: delete criterion": agreement_setup("delete"),
    "agreement: targets": agreement_setup("targets"),
    "agreement: import criteria": agreement_setup("import"),
    "agreement: sign": agreement_setup("sign", signed_on="08/12/2022"),
    "agreement: meeting record (lock)": scoring_meeting,
    "score sheet: meeting record (lock)": scoring_meeting_sheet,
    "agreement: reopen": scoring_reopen,
    "agreement: proposals from the ranking": ranking_propose_page,
    "agreement: admin": in_admin(
        "emulation_scoringagreement", lambda: signed_agreement(sign=False), meeting_notes="Mới"
    ),
    "score sheet: self-score": sheet_step("self"),
    "score sheet: save and submit": sheet_step("submit"),
    "score sheet: cross-check": sheet_step("cross"),
    "score sheet: answer": sheet_step("answer"),
    "score sheet: settle": sheet_step("settle"),
    "score sheet: add evidence": evidence_step("upload"),
    "score sheet: delete evidence": evidence_step("delete"),
    "achievement report: page": report_page,
    "achievement report: save and submit": report_save_and_submit,
    "achievement report: return": report_return,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # evidence files


@pytest.fixture
def admin(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    client.user = admin_user
    return client


@pytest.mark.parametrize("sent", ["stale", "missing", "seen"])
@pytest.mark.parametrize("name", list(CASES))
def test_every_versioned_write_needs_the_version_it_was_made_on(admin, name, sent):
    case = CASES[name](admin)
    model = type(case.record)
    # Someone saved the record once since it was made: the version is at least 2.
    model._default_manager.filter(pk=case.record.pk).update(version=F("version") + 1)
    before = snapshot(case)
    version = before["version"]
    case.act({"stale": version - 1, "missing": None, "seen": version}[sent])
    after = snapshot(case)
    if sent != "seen":
        assert after == before, f"{name}: a {sent} version changed the record"
    elif case.deletes:
        assert after is None, f"{name}: the right version did not delete"
    else:
        assert after is not None and after["version"] == version + case.moves, (
            f"{name}: the right version did not move the version by {case.moves}"
        )
        assert after != before, f"{name}: the right version wrote nothing"


# A save and a submit are one step: a refused submit saves nothing ---------------------------


def test_a_sheet_that_cannot_be_submitted_is_not_saved_either(admin):
    signed_agreement()
    bonus = leaf(data_for(), "III.1").pk  # II.1, a judged criterion, left blank
    url = reverse("scoring:sheet", args=["tay-bac", 2023, "14"])
    typed = {f"self-{bonus}": "2", f"just-{bonus}": "Sáng kiến"}
    response = admin.post(url, {"action": "submit", "version": 0, **typed})
    assert response.status_code == 409
    assert "Chấm đủ rồi mới nộp" in response.text and 'value="2"' in response.text
    assert not ScoreSheet.objects.exists() and not Score.objects.exists()


def test_a_report_that_cannot_be_submitted_is_not_saved_either(admin):
    report = report_save_and_submit(admin).record
    url = reverse("dossiers:report", args=[report.nomination_id])
    data = {"achievements": "Mới", "measures": "", "signer_title": "Giám đốc"}
    response = admin.post(url, {**data, "action": "submit", "seen_version": report.version})
    assert response.status_code == 409
    assert "Chưa thể nộp" in response.text and "Mới" in response.text
    stored = AchievementReport.objects.get(pk=report.pk)
    assert (stored.achievements, stored.version, stored.status) == ("A", report.version, "draft")


def test_a_sheet_write_after_the_meeting_locked_the_scores_is_refused():
    """The page was loaded before the meeting was recorded: the agreement's state is read
    again under its row lock, so the locked scores do not change."""
    all_submitted()
    loaded = data_for()
    record_meeting = scoring_meeting_record(
        data=data_for(),
        meeting_date=datetime.date(2023, 11, 30),
        present=7,
        votes={},
        by=None,
        seen_version=loaded.agreement.version,
        sheet_versions=shown_sheet_versions(loaded),
    )
    assert record_meeting.locked and not loaded.agreement.locked
    sheet = ScoreSheet.objects.get(province=unit("14"))
    with pytest.raises(ScoringError, match="đã khóa"):
        sheet_cross_check(
            data=loaded,
            province=unit("14"),
            entries={leaf(loaded, "II.1").pk: (Decimal(10), "Thiếu")},
            seen_version=sheet.version,
            by=None,
        )
    assert not Score.objects.filter(cluster_points__isnull=False).exists()


def test_a_sheet_changed_after_the_meeting_page_was_opened_refuses_the_meeting(admin):
    """The chair opened the meeting form; then Sơn La's sheet was cross-checked. Recording
    the meeting from that page would lock scores the chair never saw: it is refused."""
    all_submitted()
    url = reverse("scoring:overview", args=["tay-bac", 2023])
    page = admin.get(url).text
    hidden = dict(re.findall(r'name="((?:version|sheet-\d+))" value="(\d+)"', page))
    assert len([k for k in hidden if k.startswith("sheet-")]) == 7
    loaded = data_for()
    sheet = ScoreSheet.objects.get(province=unit("14"))
    sheet_cross_check(
        data=loaded,
        province=unit("14"),
        entries={leaf(loaded, "II.1").pk: (Decimal(10), "Thiếu minh chứng")},
        seen_version=sheet.version,
        by=None,
    )
    meeting = reverse("scoring:meeting", args=["tay-bac", 2023])
    form = {"meeting_date": "30/11/2023", "present": "7", **hidden}
    response = admin.post(meeting, form)
    assert response.status_code == 400
    assert "Bảng chấm điểm của Sơn La" in response.text and "sau khi bạn mở" in response.text
    assert not data_for().agreement.locked
    assert not Score.objects.filter(final_points__isnull=False).exists()
    # The page shown with the refusal carries the versions now stored: saved from there.
    again = dict(re.findall(r'name="((?:version|sheet-\d+))" value="(\d+)"', response.text))
    assert admin.post(meeting, {**form, **again}).status_code == 302
    assert data_for().agreement.locked
