"""The nominations, scoring and dossier cases of the parametrised versioned-save test
(tests/test_versioned_save.py): each builds a record in the state an action needs and
the action as a page or the API sends it, with the version it is given."""

import datetime
import io
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from emulation.models import AchievementReport, AwardType, EvidenceFile, Nomination, ScoreSheet
from emulation.nominations.services import nomination_propose
from emulation.scoring.demo import HEADER
from emulation.scoring.meeting import scoring_meeting_record, shown_sheet_versions
from emulation.scoring.models import Score
from emulation.scoring.sheets import evidence_add, sheet_answer
from provinces.models import Cluster
from tests.demo_data import Snapshot
from tests.scoring_helpers import (
    SIGNED,
    UNSIGNED,
    build_agreement,
    cross_check,
    data_for,
    leaf,
    self_score,
    sheets_shown,
    signed_agreement,
    unit,
)
from tests.versions import Case, send, shown_version

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
        agreement = signed_agreement(sign=sign)
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


def _all_submitted():
    build_agreement()
    for member in data_for().members:
        self_score(member.code, {"II.1": 20})


def _recorded():
    _all_submitted()
    data = data_for()
    scoring_meeting_record(
        data=data,
        meeting_date=datetime.date(2023, 11, 30),
        present=7,
        votes={},
        by=None,
        seen_version=data.agreement.version,
        sheet_versions=shown_sheet_versions(data),
    )


# The scoring states the cases start from, each built once per test run through the
# services (tests/demo_data.py's Snapshot, built by the `scoring_states` fixture of
# tests/conftest.py on the clean database) and written back in each test.
ALL_SUBMITTED = Snapshot("scoring-all-submitted", _all_submitted, offset=3_000_000)
RECORDED = Snapshot("scoring-recorded", _recorded, offset=3_000_000)
SCORING_STATES = (SIGNED, UNSIGNED, ALL_SUBMITTED, RECORDED)


def all_submitted():
    """A signed agreement, every member's sheet self-scored (II.1: 20) and submitted."""
    ALL_SUBMITTED.restore()


MEETING = {"meeting_date": "30/11/2023", "present": "7"}


def scoring_meeting(admin: Client) -> Case:
    all_submitted()
    agreement = data_for().agreement
    url = reverse("scoring:meeting", args=["tay-bac", 2023])
    return Case(
        agreement,
        lambda seen: admin.post(url, send({**MEETING, **sheets_shown()}, seen, "version")),
    )


def scoring_meeting_sheet(admin: Client) -> Case:
    """The meeting is recorded on the sheets the chair's page showed: Sơn La's sheet,
    changed since, refuses it (the agreement's version is the right one)."""
    all_submitted()
    sheet = ScoreSheet.objects.get(province=unit("14"))
    url = reverse("scoring:meeting", args=["tay-bac", 2023])
    name = f"sheet-{sheet.province_id}"

    def act(seen):
        others = {k: v for k, v in sheets_shown().items() if k != name}
        data = {**MEETING, **others, "version": shown_version(data_for().agreement)}
        return admin.post(url, send(data, seen, name))

    return Case(sheet, act, also=scores_of(sheet))


def recorded():
    """All sheets submitted and the scoring meeting recorded (7 present, no votes)."""
    RECORDED.restore()
    return data_for().agreement


def scoring_reopen(admin: Client) -> Case:
    agreement = recorded()
    url = reverse("scoring:reopen", args=["tay-bac", 2023])
    return Case(agreement, lambda seen: admin.post(url, send({"reason": "Sai"}, seen, "version")))


def ranking_propose_page(admin: Client) -> Case:
    """Proposals from the recorded ranking: made on the agreement the page showed, which
    they do not change (its version stays)."""
    agreement = recorded()
    url = reverse("scoring:propose", args=["tay-bac", 2023])
    flag = AwardType.objects.get(code="emulation-flag")
    data = {"award_type": flag.pk, "provinces": [unit("25").pk]}
    return Case(
        agreement,
        lambda seen: admin.post(url, send(data, seen, "version")),
        moves=0,
        also=lambda: list(Nomination.objects.values_list("pk", flat=True)),
    )


def sheet_step(action: str) -> Callable[[Client], Case]:
    """A step on Sơn La's sheet page, from the state that step needs."""

    def build(admin: Client) -> Case:
        signed_agreement()
        self_score("14", {"II.1": 20}, submit=action not in ("self", "submit"))
        if action in ("answer", "settle"):
            cross_check("14", {"II.1": (15, "Thiếu minh chứng")})
        criterion = leaf(data_for(), "II.1").pk
        if action == "settle":
            sheet = ScoreSheet.objects.get(province=unit("14"))
            sheet_answer(
                data=data_for(),
                province=unit("14"),
                answers={criterion: ("contest", "Đủ minh chứng")},
                seen_version=sheet.version,
                by=None,
            )
        sheet = ScoreSheet.objects.get(province=unit("14"))
        url = reverse("scoring:sheet", args=["tay-bac", 2023, "14"])
        fields = {
            "self": {f"self-{criterion}": "25", f"just-{criterion}": "Có"},
            "submit": {f"self-{criterion}": "25", f"just-{criterion}": "Có"},
            "cross": {f"cross-{criterion}": "18", f"reason-{criterion}": "Thiếu"},
            "answer": {f"answer-{criterion}": "contest", f"comment-{criterion}": "Có đủ"},
            "settle": {f"settle-{criterion}": "18", f"note-{criterion}": "Giữ điểm Cụm"},
        }[action]
        data = {"action": action, **fields}
        return Case(
            sheet, lambda seen: admin.post(url, send(data, seen, "version")), also=scores_of(sheet)
        )

    return build


def scores_of(sheet: ScoreSheet) -> Callable[[], object]:
    def stored():
        scores = Score.objects.filter(sheet=sheet).order_by("pk").values()
        files = EvidenceFile.objects.filter(score__sheet=sheet).order_by("pk").values()
        return list(scores), list(files)

    return stored


def evidence_step(action: str) -> Callable[[Client], Case]:
    """Sơn La adds an evidence file to its draft sheet, or deletes one."""

    def build(admin: Client) -> Case:
        signed_agreement()
        sheet = self_score("14", {"II.1": 20}, submit=False)
        criterion = leaf(data_for(), "II.1").pk
        url = reverse("scoring:sheet", args=["tay-bac", 2023, "14"])
        if action == "upload":

            def act(seen):
                upload = SimpleUploadedFile("minh-chung.pdf", PDF, "application/pdf")
                data = {"action": "upload", "criterion": criterion, "file": upload}
                return admin.post(url, send(data, seen, "version"))

            return Case(sheet, act, also=scores_of(sheet))
        item = evidence_add(
            data=data_for(),
            province=unit("14"),
            criterion_id=criterion,
            upload=SimpleUploadedFile("minh-chung.pdf", PDF, "application/pdf"),
            seen_version=sheet.version,
            by=None,
        )
        data = {"action": "delete-evidence", "evidence": item.pk}
        return Case(
            sheet, lambda seen: admin.post(url, send(data, seen, "version")), also=scores_of(sheet)
        )

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


# An alliance's form with every field a submitted report needs (report_fields.REQUIRED).
ALLIANCE_REPORT = {
    "head_office": "Số 1, đường Hoàng Liên, thành phố Lào Cai",
    "phone": "0214 3840 000",
    "founding": "Thành lập năm 1997.",
    "structure": "Văn phòng và hai ban chuyên môn.",
    "staff_count": "15",
    "compliance": "Chấp hành tốt chủ trương, chính sách, pháp luật.",
    "signer_name": "Trương Mạnh Hùng",
    "superior_body": "Ủy ban nhân dân tỉnh Lào Cai",
    "superior_title": "Chủ tịch",
    "superior_name": "Nguyễn Văn A",
}


def report_save_and_submit(admin: Client) -> Case:
    """The report page's "save and submit": one versioned save."""
    report = achievement_report()
    url = reverse("dossiers:report", args=[report.nomination_id])
    data = {"achievements": "A2", "measures": "B", "signer_title": "Giám đốc", "action": "submit"}
    data |= ALLIANCE_REPORT
    return Case(report, lambda seen: admin.post(url, send(data, seen)))


def report_return(admin: Client) -> Case:
    report = achievement_report("submitted")
    url = reverse("dossiers:return", args=[report.nomination_id])
    return Case(report, lambda seen: admin.post(url, send({"reason": "Thiếu"}, seen)))
