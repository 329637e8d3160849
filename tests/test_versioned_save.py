"""One rule for every record two people can edit and every life-cycle action on one, on the
pages, in the admin, in the upload confirm and in the API (cluster_portal.locking): a
stale version is refused and nothing changes; a missing version is refused and nothing
changes; the version the page showed succeeds and moves the version on by one."""

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from emulation.models import (
    AchievementReport,
    AwardType,
    Conference,
    Nomination,
    ReportSettings,
    ScoreSheet,
)
from emulation.nominations.services import nomination_propose
from emulation.scoring.demo import HEADER
from provinces.calendar.models import Deadlines
from provinces.figures.excel import figures_import
from provinces.figures.spec import CODES
from provinces.models import (
    Cluster,
    ClusterTerm,
    FiguresStatus,
    YearlyFigures,
)
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES, make_figures, make_loan
from tests.scoring_helpers import build_agreement, data_for, leaf, meeting_record, self_score, unit
from tests.test_conference import form_data as conference_form

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    record: object  # the model instance whose stored row the write changes
    act: Callable[[int | None], object]  # the write, sent with this version (None: none)
    deletes: bool = False


def send(data: dict, seen: int | None, name: str = "seen_version") -> dict:
    """The posted form: with the version, or without it (a form that lost its field)."""
    return {**data, name: seen} if seen is not None else dict(data)


def admin_form(client: Client, url: str) -> dict:
    """The admin change form as opened: every field's value, the version seen dropped."""
    form = client.get(url).context["adminform"].form
    data = {}
    for field in form:
        value = field.value()
        if value is None or field.name == "seen_version":
            continue
        if isinstance(value, bool):
            if value:
                data[field.name] = "on"
            continue
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        data[field.name] = value
    for inline in client.get(url).context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[f"{formset.prefix}-{field.name}"] = field.value()
    return data


def snapshot(record) -> dict | None:
    row = type(record)._default_manager.filter(pk=record.pk).values().first()
    if row is not None and hasattr(record, "history"):
        row["history rows"] = record.history.count()
    return row


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


LOAN = {
    "fund": "htx_dev",
    "date": "01/05/2024",
    "borrower_name": "HTX Bình Minh",
    "borrower_kind": "HTX",
    "amount": "361",
    "purpose": "Mua máy sấy chè",
    "term_months": "24",
}


def loan_edit(admin: Client) -> Case:
    loan = make_loan("14", "2024-05-01", "100")
    url = reverse("disbursements:edit", args=[loan.pk])
    return Case(loan, lambda seen: admin.post(url, send(LOAN, seen)))


def loan_delete(admin: Client) -> Case:
    loan = make_loan("14", "2024-05-01", "100")
    url = reverse("disbursements:delete", args=[loan.pk])
    return Case(loan, lambda seen: admin.post(url, send({}, seen)), deletes=True)


def in_admin(model: str, make, **changes) -> Callable[[Client], Case]:
    def build(admin: Client) -> Case:
        record = make()
        url = reverse(f"admin:{model}_change", args=[record.pk])
        data = {**admin_form(admin, url), **changes}
        return Case(record, lambda seen: admin.post(url, send(data, seen)))

    return build


def cooperative():
    return make_loan("14", "2024-05-01", "100").borrower


def term_2024():
    return ClusterTerm.objects.get(cluster__slug="tay-bac", year=2024)


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
    data = {"number": "7", "symbol": "BC-CTĐ", "place": "Phú Thọ", "signer_title": "Chủ tịch"}
    return Case(record, lambda seen: admin.post(url, send(data, seen)))


def nomination(status: str = "proposed", **values) -> Nomination:
    record = nomination_propose(
        cluster=Cluster.objects.get(slug="tay-bac"),
        year=2023,
        award_type=AwardType.objects.get(code="emulation-flag"),
        by=None,
        alliance=unit("10"),
        achievements="Dẫn đầu phong trào.",
    )
    Nomination.objects.filter(pk=record.pk).update(status=status, **values)
    return record


def nomination_step(step: str, status: str, data=None, **values) -> Callable[[Client], Case]:
    def build(admin: Client) -> Case:
        record = nomination(status, **values)
        url = reverse(f"nominations:{step}", args=[record.pk])
        return Case(
            record, lambda seen: admin.post(url, send(data or {}, seen)), step == "withdraw"
        )

    return build


def agreement_setup(action: str, sign: bool = False, **extra) -> Callable[[Client], Case]:
    def build(admin: Client) -> Case:
        agreement = build_agreement(sign=sign)
        url = reverse("scoring:setup", args=["tay-bac", 2023])
        data = {"action": action, **extra}
        if action == "criterion":
            criterion = leaf(data_for(), "II.1")
            data.update(
                criterion=criterion.pk,
                group=criterion.parent_id,
                number="1",
                title="Đổi tên",
                kind="judged",
                max_points="40",
            )
        if action == "delete":
            data["criterion"] = leaf(data_for(), "I.1").pk
        if action == "targets":
            target = leaf(data_for(), "I.1")
            data.update({f"t-{target.pk}-{m.pk}": "15" for m in data_for().members})
        if action == "import":
            rows = [HEADER, ("I", "Nhóm", "group", "100", "", "", "")]
            rows.append(("1", "Một", "judged", "100", "", "", ""))
            text = "\n".join(",".join(r) for r in rows).encode()

            def act(seen):
                upload = io.BytesIO(text)
                upload.name = "tieu-chi.csv"
                return admin.post(url, send({**data, "file": upload}, seen, "version"))

            return Case(agreement, act)
        return Case(agreement, lambda seen: admin.post(url, send(data, seen, "version")))

    return build


def all_submitted():
    build_agreement()
    for member in data_for().members:
        self_score(member.code, {"II.1": 20})


def scoring_meeting(admin: Client) -> Case:
    all_submitted()
    agreement = data_for().agreement
    url = reverse("scoring:meeting", args=["tay-bac", 2023])
    data = {"meeting_date": "30/11/2023", "present": "7"}
    return Case(agreement, lambda seen: admin.post(url, send(data, seen, "version")))


def scoring_reopen(admin: Client) -> Case:
    all_submitted()
    agreement = meeting_record()
    url = reverse("scoring:reopen", args=["tay-bac", 2023])
    return Case(agreement, lambda seen: admin.post(url, send({"reason": "Sai"}, seen, "version")))


def sheet_step(action: str, submitted: bool) -> Callable[[Client], Case]:
    def build(admin: Client) -> Case:
        build_agreement()
        self_score("14", {"II.1": 20}, submit=submitted)
        sheet = ScoreSheet.objects.get(province=unit("14"))
        criterion = leaf(data_for(), "II.1").pk
        url = reverse("scoring:sheet", args=["tay-bac", 2023, "14"])
        fields = {
            "self": {f"self-{criterion}": "25", f"just-{criterion}": "Có"},
            "cross": {f"cross-{criterion}": "18", f"reason-{criterion}": "Thiếu"},
        }[action]
        data = {"action": action, **fields}
        return Case(sheet, lambda seen: admin.post(url, send(data, seen, "version")))

    return build


def achievement_report(status: str = "draft") -> AchievementReport:
    record = nomination("endorsed")
    return AchievementReport.objects.create(
        nomination=record,
        achievements="A",
        measures="B",
        signer_title="Giám đốc",
        status=status,
    )


def report_page(admin: Client) -> Case:
    report = achievement_report()
    url = reverse("dossiers:report", args=[report.nomination_id])
    data = {"achievements": "A2", "measures": "B", "signer_title": "Giám đốc", "action": "save"}
    return Case(report, lambda seen: admin.post(url, send(data, seen)))


def report_return(admin: Client) -> Case:
    report = achievement_report("submitted")
    url = reverse("dossiers:return", args=[report.nomination_id])
    return Case(report, lambda seen: admin.post(url, send({"reason": "Thiếu"}, seen)))


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
    "loan: edit page": loan_edit,
    "loan: delete page": loan_delete,
    "loan: admin": in_admin(
        "provinces_disbursement",
        lambda: make_loan("14", "2024-05-01", "100"),
        amount="222",
    ),
    "cooperative: admin": in_admin("provinces_cooperative", cooperative, name="HTX Mới"),
    "cluster term: rotation page": rotation_page,
    "cluster term: admin": in_admin("provinces_clusterterm", term_2024),
    "conference: page": conference_page,
    "conference: admin": in_admin("emulation_conference", conference, venue="Hà Nội"),
    "deadlines: page": deadlines_page,
    "report settings: page": report_settings_page,
    "nomination: vote": nomination_step(
        "vote", "proposed", {"votes_for": "6", "votes_present": "7"}
    ),
    "nomination: endorse": nomination_step("endorse", "proposed", votes_for=7, votes_present=7),
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
    "agreement: reopen": scoring_reopen,
    "agreement: admin": in_admin(
        "emulation_scoringagreement", lambda: build_agreement(sign=False), meeting_notes="Mới"
    ),
    "score sheet: self-score": sheet_step("self", submitted=False),
    "score sheet: cross-check": sheet_step("cross", submitted=True),
    "achievement report: page": report_page,
    "achievement report: return": report_return,
}


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
    before = snapshot(case.record)
    version = before["version"]
    case.act({"stale": version - 1, "missing": None, "seen": version}[sent])
    after = snapshot(case.record)
    if sent != "seen":
        assert after == before, f"{name}: a {sent} version changed the record"
    elif case.deletes:
        assert after is None, f"{name}: the right version did not delete"
    else:
        assert after is not None and after["version"] == version + 1, (
            f"{name}: the right version did not move the version by one"
        )
