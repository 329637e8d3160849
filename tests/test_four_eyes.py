"""Four eyes (issue 21): nobody approves, returns, reopens, cross-checks or settles their own
unit's work. The chair's own unit is judged by the vice-head of the year (an admin where
there is none), the vice-head's by the chair; an admin who is also a province's staff is
held to it for that province. On the pages (no button, a POST refused with the reason), in
the services (the same refusal inside their transaction), through the API (403, the reason
in the JSON) and in the Django admin (which offers no life-cycle action at all).

2024, Tây Bắc: chair Lào Cai (10), vice-head Lai Châu (12); Sơn La (14) another member.
2023, Tây Bắc (scoring): chair Phú Thọ (25), vice-head Lào Cai (10).
2025, Cụm số 1: chair Lai Châu (12), no vice-head.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from cluster_portal import access
from emulation.dossiers.services import DossierError, achievement_report_return
from emulation.models import AchievementReport, Nomination, Score, ScoreSheet
from emulation.scoring.services import ScoringError
from provinces.figures.services import (
    FiguresError,
    figures_approve,
    figures_return,
    figures_submit,
)
from provinces.models import FiguresStatus, Notice, YearlyFigures
from provinces.organisation.models import Province, StaffProfile
from provinces.organisation.selectors import ProvinceYear, term_of_member
from tests.api_support import API, bearer, token_for
from tests.calendar_helpers import days_from_today, make_deadlines
from tests.dossier_helpers import seed_demo_year
from tests.factories import make_figures
from tests.scoring_helpers import cross_check, data_for, leaf, self_score, signed_agreement, unit

pytestmark = [pytest.mark.django_db]

VICE_2024 = "Đơn vị của bạn là đơn vị được xét: việc duyệt số liệu do cụm phó năm 2024 thực hiện."
CHAIR_2024 = "việc duyệt số liệu do cụm trưởng năm 2024 thực hiện."


@pytest.fixture
def people(make_staff, admin_user):
    staff_admin = get_user_model().objects.create_superuser(username="root-laocai", password="pw")
    StaffProfile.objects.create(
        user=staff_admin, province=Province.objects.valid_in(2024).get(name="Lào Cai")
    )
    return {
        "anonymous": None,
        "own": make_staff("Sơn La", 2024),
        "chair": make_staff("Lào Cai", 2024),
        "vice": make_staff("Lai Châu", 2024),
        "admin": admin_user,
        "staff_admin": staff_admin,  # an admin who is Lào Cai's (the chair's unit's) staff
    }


def as_(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def reload(figures) -> YearlyFigures:
    return YearlyFigures.objects.get(pk=figures.pk)


# code of the record -> persona -> what an approval POST does: "ok" (approved by them),
# 404 (may not read it), 403 with the four-eyes reason, 403 (no right), "login".
APPROVE = {
    "10": {  # the chair's own unit: the vice-head (or an admin) approves it
        "anonymous": "login",
        "own": 404,
        "chair": VICE_2024,
        "vice": "ok",
        "admin": "ok",
        "staff_admin": VICE_2024,
    },
    "12": {  # the vice-head's own unit: the chair approves it
        "own": 404,
        "chair": "ok",
        "vice": CHAIR_2024,
        "admin": "ok",
        "staff_admin": "ok",
    },
    "14": {  # another member: the chair, not the vice-head
        "anonymous": "login",
        "own": CHAIR_2024,
        "chair": "ok",
        "vice": 404,
        "admin": "ok",
    },
}
APPROVE_CASES = [(code, who, want) for code, row in APPROVE.items() for who, want in row.items()]


@pytest.mark.parametrize("code, persona, expected", APPROVE_CASES)
def test_approving_on_the_page_is_for_someone_else_than_the_unit(
    client, people, code, persona, expected
):
    figures = make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
    response = as_(client, people[persona]).post(
        reverse("figures:approve", args=[2024, code]), {"seen_version": figures.version}
    )
    after = reload(figures)
    if expected == "ok":
        assert response.status_code == 302
        assert after.status == FiguresStatus.APPROVED and after.approved_by == people[persona]
        return
    assert after.status == FiguresStatus.SUBMITTED and after.version == figures.version
    if expected == "login":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif expected == 404:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
        assert expected in response.content.decode()


@pytest.mark.parametrize(
    "code, persona, offered",
    [
        ("10", "chair", False),
        ("10", "staff_admin", False),
        ("10", "vice", True),
        ("10", "admin", True),
        ("12", "chair", True),
        ("12", "vice", False),
        ("14", "chair", True),
        ("14", "own", False),
    ],
)
def test_the_buttons_are_offered_only_to_who_decides(client, people, code, persona, offered):
    make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
    page = as_(client, people[persona]).get(reverse("figures:detail", args=[2024, code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert (reverse("figures:approve", args=[2024, code]) in text) is offered
    assert (reverse("figures:return", args=[2024, code]) in text) is offered
    if persona == "chair" and not offered:
        assert 'data-testid="four-eyes"' in text and VICE_2024 in text
    if offered:
        heading = "Duyệt số liệu</h2>" if persona == "vice" else "Cụm trưởng xét duyệt</h2>"
        assert heading in text


def test_the_chair_cannot_return_its_own_record_the_vice_head_can(client, people):
    figures = make_figures("10", 2024, status=FiguresStatus.SUBMITTED)
    url = reverse("figures:return", args=[2024, "10"])
    body = {"seen_version": figures.version, "reason": "Kiểm tra lại"}
    refused = as_(client, people["chair"]).post(url, body)
    assert refused.status_code == 403
    assert "việc trả lại số liệu do cụm phó năm 2024" in refused.content.decode()
    assert reload(figures).status == FiguresStatus.SUBMITTED
    assert as_(client, people["vice"]).post(url, body).status_code == 302
    assert reload(figures).status == FiguresStatus.RETURNED


def test_an_admin_does_not_reopen_its_own_province_another_admin_does(client, people):
    figures = make_figures("10", 2024, status=FiguresStatus.APPROVED)
    url = reverse("figures:reopen", args=[2024, "10"])
    body = {"seen_version": figures.version, "reason": "Sai số thành viên"}
    page = as_(client, people["staff_admin"]).get(reverse("figures:detail", args=[2024, "10"]))
    assert url not in page.content.decode()
    refused = as_(client, people["staff_admin"]).post(url, body)
    assert refused.status_code == 403
    assert "việc mở khóa số liệu do một quản trị viên khác thực hiện" in refused.content.decode()
    assert reload(figures).status == FiguresStatus.APPROVED
    assert as_(client, people["admin"]).post(url, body).status_code == 302
    assert reload(figures).status == FiguresStatus.RETURNED


def test_without_a_vice_head_an_admin_approves_the_chairs_unit(client, make_staff, admin_user):
    figures = make_figures("12", 2025, status=FiguresStatus.SUBMITTED)  # Lai Châu chairs 2025
    url = reverse("figures:approve", args=[2025, "12"])
    refused = as_(client, make_staff("Lai Châu", 2025)).post(url, {"seen_version": 1})
    assert refused.status_code == 403
    assert "việc duyệt số liệu do quản trị viên thực hiện" in refused.content.decode()
    assert as_(client, admin_user).post(url, {"seen_version": figures.version}).status_code == 302
    assert reload(figures).status == FiguresStatus.APPROVED


def test_the_services_refuse_the_own_unit_inside_their_transaction(people):
    """Every path (a command, the API, a future page) goes through the services."""
    figures = make_figures("10", 2024, status=FiguresStatus.SUBMITTED)
    with pytest.raises(FiguresError, match="cụm phó năm 2024"):
        figures_approve(figures=figures, by=people["chair"], seen_version=figures.version)
    with pytest.raises(FiguresError, match="cụm phó năm 2024"):
        figures_return(
            figures=figures, by=people["chair"], seen_version=figures.version, reason="x"
        )
    after = reload(figures)
    assert after.status == FiguresStatus.SUBMITTED and after.version == figures.version
    approved = figures_approve(figures=figures, by=people["vice"], seen_version=figures.version)
    assert approved.approved_by == people["vice"]


# Through the API ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, persona, status",
    [
        ("10", "chair", 403),
        ("10", "staff_admin", 403),
        ("10", "vice", 200),
        ("10", "own", 404),
        ("12", "vice", 403),
        ("12", "chair", 200),
        ("14", "own", 403),
        ("14", "admin", 200),
    ],
)
def test_the_api_approves_with_the_same_rule(client, people, code, persona, status):
    figures = make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
    response = client.post(
        f"{API}/figures/2024/{code}/approve",
        {"version": figures.version},
        content_type="application/json",
        headers=bearer(token_for(people[persona])),
    )
    assert response.status_code == status
    if status == 403 and code != "14":
        reason = VICE_2024 if code == "10" else CHAIR_2024
        assert reason in response.json()["detail"]
    if status == 200:
        assert response.json()["record"]["status"] == "approved"
    else:
        assert reload(figures).status == FiguresStatus.SUBMITTED


def test_the_api_return_is_refused_to_the_chair_on_its_own_unit(client, people):
    figures = make_figures("10", 2024, status=FiguresStatus.SUBMITTED)
    url = f"{API}/figures/2024/10/return"
    body = {"version": figures.version, "reason": "Thiếu số liệu"}
    refused = client.post(
        url, body, content_type="application/json", headers=bearer(token_for(people["chair"]))
    )
    assert refused.status_code == 403
    assert "việc trả lại số liệu do cụm phó năm 2024" in refused.json()["detail"]
    done = client.post(
        url, body, content_type="application/json", headers=bearer(token_for(people["vice"]))
    )
    assert done.status_code == 200 and done.json()["record"]["status"] == "returned"


# In the Django admin --------------------------------------------------------------------------


def test_the_admin_offers_no_decision_on_a_submitted_record(client, people):
    """The life cycle is the portal's (where four eyes holds): in the admin a submitted
    record is read-only, its status never a field, even for an admin of that province."""
    figures = make_figures("10", 2024, status=FiguresStatus.SUBMITTED)
    url = reverse("admin:provinces_yearlyfigures_change", args=[figures.pk])
    client.force_login(people["staff_admin"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    posted = client.post(url, {"status": "approved", "seen_version": figures.version})
    assert posted.status_code == 403
    assert reload(figures).status == FiguresStatus.SUBMITTED


# Scoring: cross-check and settle ----------------------------------------------------------------


@pytest.fixture
def scorers(make_staff, admin_user):
    return {
        "chair": make_staff("Phú Thọ", 2023),
        "vice": make_staff("Lào Cai", 2023),
        "other": make_staff("Sơn La", 2023),
        "admin": admin_user,
    }


def sheet_url(code: str) -> str:
    return reverse("scoring:sheet", args=["tay-bac", 2023, code])


def cross_post(client, user, code: str, points: str = "5"):
    data = data_for()
    criterion = leaf(data, "II.1").pk
    version = data.column(unit(code).pk).sheet.version
    body = {
        "action": "cross",
        "version": version,
        f"cross-{criterion}": points,
        f"reason-{criterion}": "Theo biên bản kiểm tra.",
    }
    return as_(client, user).post(sheet_url(code), body)


def cluster_points(code: str):
    data = data_for()
    score = data.column(unit(code).pk).cells[leaf(data, "II.1").pk].score
    return score.cluster_points if score else None


@pytest.mark.usefixtures("scoring_states")
@pytest.mark.parametrize(
    "code, persona, expected",
    [
        ("25", "chair", "việc chấm chéo do cụm phó năm 2023 thực hiện"),
        ("25", "vice", "ok"),
        ("25", "admin", "ok"),
        ("10", "vice", "việc chấm chéo do cụm trưởng năm 2023 thực hiện"),
        ("10", "chair", "ok"),
        ("14", "other", "việc chấm chéo do cụm trưởng năm 2023 thực hiện"),
        ("14", "vice", "ok"),
    ],
)
def test_cross_checking_ones_own_sheet_is_refused(client, scorers, code, persona, expected):
    signed_agreement()
    self_score(code, {"II.1": 4})
    response = cross_post(client, scorers[persona], code, points="8")  # 4 → 8
    if expected == "ok":
        assert response.status_code == 302 and cluster_points(code) == 8
    else:
        assert response.status_code == 403 and expected in response.content.decode()
        assert cluster_points(code) is None


@pytest.mark.usefixtures("scoring_states")
def test_the_sheet_page_offers_the_cross_check_to_the_other_judge(client, scorers):
    signed_agreement()
    self_score("25", {"II.1": 4})
    chair_page = as_(client, scorers["chair"]).get(sheet_url("25")).content.decode()
    assert 'value="cross"' not in chair_page
    assert "việc chấm chéo do cụm phó năm 2023 thực hiện" in chair_page
    vice_page = as_(client, scorers["vice"]).get(sheet_url("25")).content.decode()
    assert 'value="cross"' in vice_page and 'data-testid="four-eyes"' not in vice_page


@pytest.mark.usefixtures("scoring_states")
def test_the_sheet_services_refuse_the_own_unit(scorers):
    signed_agreement()
    self_score("10", {"II.1": 4})
    for points in (5, 8):  # the vice-head raising its own sheet: 4 → 5, 4 → 8
        with pytest.raises(ScoringError, match="cụm trưởng năm 2023"):
            cross_check("10", {"II.1": (points, "Tự nâng điểm.")}, by=scorers["vice"])
    assert cluster_points("10") is None
    cross_check("10", {"II.1": (5, "Có thêm minh chứng.")}, by=scorers["chair"])
    assert cluster_points("10") == 5


@pytest.mark.usefixtures("scoring_states")
def test_the_vice_head_settles_the_chairs_sheet_the_chair_does_not(client, scorers):
    signed_agreement()
    self_score("25", {"II.1": 4})
    cross_check("25", {"II.1": (3, "Thiếu minh chứng.")}, by=scorers["vice"])
    data = data_for()
    criterion = leaf(data, "II.1").pk
    body = {
        "action": "settle",
        "version": data.column(unit("25").pk).sheet.version,
        f"settle-{criterion}": "3",
        f"note-{criterion}": "Giữ điểm Cụm chấm.",
    }
    page = as_(client, scorers["chair"]).get(sheet_url("25")).content.decode()
    assert 'value="settle"' not in page
    refused = as_(client, scorers["chair"]).post(sheet_url("25"), body)
    assert refused.status_code == 403
    assert "việc kết luận điểm do cụm phó năm 2023 thực hiện" in refused.content.decode()
    assert 'value="settle"' in as_(client, scorers["vice"]).get(sheet_url("25")).content.decode()
    assert as_(client, scorers["vice"]).post(sheet_url("25"), body).status_code == 302
    score = Score.objects.get(sheet__province=unit("25"), criterion_id=criterion)
    assert score.settled_points == 3 and score.settle_note == "Giữ điểm Cụm chấm."


@pytest.mark.usefixtures("scoring_states")
def test_the_vice_head_does_not_settle_its_own_sheet(client, scorers):
    signed_agreement()
    self_score("10", {"II.1": 4})
    cross_check("10", {"II.1": (3, "Thiếu minh chứng.")}, by=scorers["chair"])
    data = data_for()
    criterion = leaf(data, "II.1").pk
    body = {
        "action": "settle",
        "version": data.column(unit("10").pk).sheet.version,
        f"settle-{criterion}": "5",
        f"note-{criterion}": "Nâng điểm.",
    }
    refused = as_(client, scorers["vice"]).post(sheet_url("10"), body)
    assert refused.status_code == 403
    assert "việc kết luận điểm do cụm trưởng năm 2023 thực hiện" in refused.content.decode()
    assert as_(client, scorers["chair"]).post(sheet_url("10"), body).status_code == 302


# The home page's to-dos and the reminders --------------------------------------------------------


def test_the_approval_to_do_goes_to_who_judges_the_record(client, people):
    make_deadlines("tay-bac", 2024, figures_due=days_from_today(10))
    for code in ("10", "12", "14"):
        make_figures(code, 2024, status=FiguresStatus.SUBMITTED)

    def approvals(persona):
        client.force_login(people[persona])
        todos = client.get(reverse("home")).context["todos"]
        return {t.owner.code for t in todos if t.kind == "figures_approve" and t.year == 2024}

    assert approvals("chair") == {"12", "14"}  # not its own unit's
    assert approvals("vice") == {"10"}  # the chair's unit's
    assert approvals("admin") == set()  # the vice-head is there


def test_without_a_vice_head_the_admins_are_asked_to_approve_the_chairs_unit(
    client, make_staff, admin_user
):
    make_deadlines("mien-nui-phia-bac-1", 2025, figures_due=days_from_today(10))
    make_figures("12", 2025, status=FiguresStatus.SUBMITTED)  # Lai Châu, chair of 2025
    make_figures("14", 2025, status=FiguresStatus.SUBMITTED)

    def approvals(user):
        client.force_login(user)
        todos = client.get(reverse("home")).context["todos"]
        return {t.owner.code for t in todos if t.kind == "figures_approve" and t.year == 2025}

    assert approvals(make_staff("Lai Châu", 2025)) == {"14"}
    assert approvals(admin_user) == {"12"}


def test_the_chairs_unit_submitting_tells_the_vice_head(
    people, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    own = make_figures("10", 2024)  # Lào Cai, the chair's unit
    other = make_figures("14", 2024)
    with django_capture_on_commit_callbacks(execute=True):
        figures_submit(figures=own, seen_version=own.version, by=people["chair"])
        figures_submit(figures=other, seen_version=other.version, by=people["own"])
    told = {(n.recipient.username, n.url) for n in Notice.objects.all()}
    assert told == {
        (people["vice"].username, "/figures/2024/10/"),
        (people["chair"].username, "/figures/2024/14/"),
    }


# Achievement reports: returning one is judging the nominee's province's work -------------------


class AchievementReportReturnTests(TestCase):
    """Phú Thọ's own report (Phú Thọ chaired 2023, Lào Cai was its vice-head)."""

    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.nomination = Nomination.objects.get(year=2023, nominee_alliance__code="25")
        AchievementReport.objects.filter(nomination=cls.nomination).update(status="submitted")
        cls.page = reverse("dossiers:report", args=[cls.nomination.pk])
        cls.url = reverse("dossiers:return", args=[cls.nomination.pk])

    def post_as(self, username):
        self.client.force_login(get_user_model().objects.get(username=username))
        version = AchievementReport.objects.get(nomination=self.nomination).version
        return self.client.post(self.url, {"reason": "Bổ sung.", "seen_version": version})

    def test_the_chair_does_not_return_its_own_provinces_report_the_vice_head_does(self):
        self.client.force_login(get_user_model().objects.get(username="phutho"))
        self.assertNotContains(self.client.get(self.page), 'data-testid="return-form"')
        refused = self.post_as("phutho")
        self.assertEqual(refused.status_code, 403)
        self.assertContains(
            refused,
            "việc trả lại báo cáo thành tích do cụm phó năm 2023 thực hiện",
            status_code=403,
        )
        self.assertTrue(AchievementReport.objects.get(nomination=self.nomination).is_submitted)
        report = AchievementReport.objects.get(nomination=self.nomination)
        with self.assertRaisesMessage(DossierError, "do cụm phó năm 2023 thực hiện"):
            achievement_report_return(
                report=report,
                by=get_user_model().objects.get(username="phutho"),
                reason="Bổ sung.",
                seen_version=report.version,
            )
        self.client.force_login(get_user_model().objects.get(username="laocai"))
        self.assertContains(self.client.get(self.page), 'data-testid="return-form"')
        self.assertRedirects(self.post_as("laocai"), self.page)
        self.assertFalse(AchievementReport.objects.get(nomination=self.nomination).is_submitted)


# The demo tells the same story -----------------------------------------------------------------


@pytest.mark.usefixtures("demo_data")
def test_no_demo_record_or_sheet_was_judged_by_its_own_unit():
    """The demo's approvals: the chair's own unit's by the vice-head (an admin where there
    is none), never by its own staff; the same for the cross-checks and settlements."""
    approved = YearlyFigures.objects.filter(status=FiguresStatus.APPROVED).select_related(
        "province", "approved_by"
    )
    assert approved.count() >= 13
    chairs_units = 0
    for figures in approved:
        term = term_of_member(figures.province, figures.year)
        py = ProvinceYear(figures.province, figures.year, term=term)
        judge = figures.approved_by
        assert judge is not None and access.own_unit_refusal(judge, py, "approve") is None
        if term is not None and figures.province_id == term.head_id:
            chairs_units += 1
            if term.vice_id:
                assert access.unit_of(judge, figures.year).pk == term.vice_id
            else:
                assert access.is_admin(judge)
    assert chairs_units >= 1  # Phú Thọ's 2023 record, approved by Lào Cai (vice-head)
    for sheet in ScoreSheet.objects.exclude(cross_checked_at=None).select_related("province"):
        for record in sheet.history.exclude(history_user=None):
            assert access.unit_of(record.history_user, sheet.agreement.year) != sheet.province
