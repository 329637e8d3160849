"""Achievement reports: the form page of a nominee's province (persona matrix), the
optimistic locking of two editors, the history of edits, submit and return."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from emulation.dossiers.demo import demo_report_fields
from emulation.dossiers.report_fields import fields_for
from emulation.dossiers.services import (
    DossierError,
    StaleReportError,
    achievement_report_return,
    achievement_report_save,
    achievement_report_submit,
)
from emulation.models import AchievementReport, Nomination
from tests.dossier_helpers import seed_demo_year
from tests.versions import shown_version

User = get_user_model()


class ReportFormAccessTests(TestCase):
    """The Lai Châu alliance's report: Lai Châu is its own province, Sơn La another member,
    Phú Thọ the chair of 2023, Cao Bằng outside the cluster that year."""

    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.nomination = Nomination.objects.get(year=2023, nominee_alliance__code="12")
        AchievementReport.objects.filter(nomination=cls.nomination).update(status="draft")
        cls.url = reverse("dossiers:report", args=[cls.nomination.pk])
        cls.users = {
            name: User.objects.get(username=name)
            for name in ("laichau", "sonla", "phutho", "caobang", "admin")
        }

    def get_as(self, name):
        if name:
            self.client.force_login(self.users[name])
        return self.client.get(self.url)

    def post_as(self, name, **changes):
        self.client.force_login(self.users[name])
        report = AchievementReport.objects.get(nomination=self.nomination)
        # The form as the page posts it: every field of the alliance's form, as saved.
        data = {
            name: "" if getattr(report, name) is None else str(getattr(report, name))
            for name in fields_for("alliance")
        }
        data |= {
            "achievements": "Thành tích mới của năm.",
            "signer_title": "Chủ tịch",
            "seen_version": report.version,
            "action": "save",
            **changes,
        }
        return self.client.post(self.url, data)

    def test_it_requires_login(self):
        response = self.get_as(None)
        self.assertRedirects(response, f"{reverse('login')}?next={self.url}")

    def test_it_hides_the_report_from_another_province_and_outsiders(self):
        self.assertEqual(self.get_as("sonla").status_code, 404)
        self.assertEqual(self.get_as("caobang").status_code, 404)
        self.assertEqual(self.post_as("sonla").status_code, 404)

    def test_own_province_reads_edits_and_submits(self):
        response = self.get_as("laichau")
        self.assertContains(response, 'data-testid="report-form"')
        self.assertContains(response, "Bản xem trước trong hồ sơ")
        response = self.post_as("laichau", action="submit")
        self.assertRedirects(response, self.url)
        report = AchievementReport.objects.get(nomination=self.nomination)
        self.assertEqual(report.achievements, "Thành tích mới của năm.")
        self.assertTrue(report.is_submitted)
        self.assertEqual(report.submitted_by, self.users["laichau"])
        self.assertNotContains(self.get_as("laichau"), 'data-testid="report-form"')

    def test_the_chair_reads_but_does_not_write_and_may_return_a_submitted_one(self):
        response = self.get_as("phutho")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'data-testid="report-form"')
        self.assertEqual(self.post_as("phutho").status_code, 403)
        AchievementReport.objects.filter(nomination=self.nomination).update(status="submitted")
        page = self.get_as("phutho")
        self.assertContains(page, 'data-testid="return-form"')
        report_version = AchievementReport.objects.get(nomination=self.nomination).version
        self.assertContains(page, f'name="seen_version" value="{report_version}"', count=1)
        return_url = reverse("dossiers:return", args=[self.nomination.pk])
        response = self.client.post(
            return_url, {"reason": "Bổ sung số liệu quỹ.", "seen_version": report_version}
        )
        self.assertRedirects(response, self.url)
        report = AchievementReport.objects.get(nomination=self.nomination)
        self.assertFalse(report.is_submitted)
        self.assertContains(self.get_as("laichau"), "Bổ sung số liệu quỹ.")

    def test_another_province_cannot_return(self):
        AchievementReport.objects.filter(nomination=self.nomination).update(status="submitted")
        self.client.force_login(self.users["laichau"])
        return_url = reverse("dossiers:return", args=[self.nomination.pk])
        self.assertEqual(self.client.post(return_url, {"reason": "x"}).status_code, 403)
        self.client.force_login(self.users["sonla"])
        self.assertEqual(self.client.post(return_url, {"reason": "x"}).status_code, 404)

    def test_a_nominee_the_conference_has_not_endorsed_has_no_report_to_write(self):
        Nomination.objects.filter(pk=self.nomination.pk).update(status="proposed")
        response = self.get_as("laichau")
        self.assertContains(response, "chưa được hội nghị thống nhất đề nghị")
        self.assertNotContains(response, 'data-testid="report-form"')
        self.assertEqual(self.post_as("laichau").status_code, 403)

    def test_admin_reads_and_edits(self):
        self.assertContains(self.get_as("admin"), 'data-testid="report-form"')
        self.assertRedirects(self.post_as("admin"), self.url)

    def test_a_stale_form_is_refused_and_keeps_what_was_typed(self):
        report = AchievementReport.objects.get(nomination=self.nomination)
        stale = report.version
        achievement_report_save(
            nomination=self.nomination,
            by=self.users["admin"],
            seen_version=stale,
            achievements="Sửa của người khác.",
        )
        response = self.post_as("laichau", seen_version=stale, achievements="Nội dung của tôi.")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "admin lưu lúc", status_code=409)
        self.assertContains(response, "Nội dung của tôi.", status_code=409)
        report.refresh_from_db()
        self.assertEqual(report.achievements, "Sửa của người khác.")
        # Having seen the latest version, saving again is a knowing overwrite.
        self.assertContains(
            response, f'name="seen_version" value="{report.version}"', status_code=409
        )
        again = self.post_as("laichau", achievements="Nội dung của tôi.")
        self.assertRedirects(again, self.url)
        report.refresh_from_db()
        self.assertEqual(report.achievements, "Nội dung của tôi.")

    def test_bad_input_never_fails(self):
        response = self.post_as("laichau", achievements="x" * 20000, seen_version="abc")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            self.client.get(reverse("dossiers:report", args=[999999])).status_code, 404
        )

    def test_the_list_shows_own_reports_only(self):
        url = reverse("dossiers:reports", args=["tay-bac", 2023])
        self.client.logout()
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")
        self.client.force_login(self.users["sonla"])
        response = self.client.get(url)
        self.assertContains(response, "HTX dịch vụ nông nghiệp Mường Tấc")
        self.assertNotContains(response, "Liên minh HTX tỉnh Lai Châu")
        self.client.force_login(self.users["admin"])
        self.assertContains(self.client.get(url), "HTX NN Hảo Anh")
        self.client.force_login(self.users["laichau"])
        response = self.client.get(url)
        self.assertContains(response, "Liên minh HTX tỉnh Lai Châu")
        self.assertNotContains(response, "HTX NN Hảo Anh")
        self.client.force_login(self.users["phutho"])
        self.assertContains(self.client.get(url), "HTX NN Hảo Anh")
        self.client.force_login(self.users["caobang"])
        self.assertEqual(self.client.get(url).status_code, 404)


class ReportServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.nomination = Nomination.objects.get(
            year=2023, nominee_cooperative__name="HTX NN Hảo Anh"
        )
        AchievementReport.objects.filter(nomination=cls.nomination).delete()
        cls.staff = User.objects.get(username="laocai")
        cls.chair = User.objects.get(username="phutho")

    def save(self, seen_version, **texts):
        # The rest of the cooperative's form filled in, so that what a test leaves out
        # does not keep the report from being submitted.
        if seen_version == 0:
            texts = {**demo_report_fields(self.nomination), **texts}
        return achievement_report_save(
            nomination=self.nomination, by=self.staff, seen_version=seen_version, **texts
        )

    def test_two_editors_never_silently_overwrite_each_other(self):
        first = self.save(0, achievements="Bản đầu.")
        self.assertEqual(first.version, 1)
        second = self.save(1, achievements="Bản thứ hai.")
        self.assertEqual(second.version, 2)
        with self.assertRaises(StaleReportError) as refused:
            self.save(1, achievements="Bản cũ.")
        self.assertIn("laocai", str(refused.exception))
        second.refresh_from_db()
        self.assertEqual(second.achievements, "Bản thứ hai.")

    def test_every_change_is_kept_with_who_and_why(self):
        report = self.save(0, achievements="A", measures="B", signer_title="Giám đốc")
        self.save(report.version, achievements="A2")
        report = achievement_report_submit(
            report=report, seen_version=shown_version(report), by=self.staff
        )
        achievement_report_return(
            report=report,
            seen_version=shown_version(report),
            by=self.chair,
            reason="Thiếu giải pháp.",
        )
        history = list(report.history.order_by("history_date"))
        self.assertEqual(
            [h.history_change_reason for h in history],
            ["Tạo mới", "Cập nhật", "Nộp báo cáo", "Trả lại: Thiếu giải pháp."],
        )
        self.assertEqual(
            [h.history_user.username for h in history], ["laocai", "laocai", "laocai", "phutho"]
        )
        self.assertEqual(history[0].achievements, "A")
        self.assertEqual(history[1].achievements, "A2")

    def test_submit_needs_the_texts_and_freezes_the_report(self):
        report = self.save(0, achievements="A", measures="", signer_name="", taxes=None)
        with self.assertRaises(DossierError) as refused:
            achievement_report_submit(
                report=report, seen_version=shown_version(report), by=self.staff
            )
        # Every missing field of the cooperative's form is named, the signer's name too.
        for label in ("các biện pháp, giải pháp đã thực hiện", "họ và tên người ký"):
            self.assertIn(label, str(refused.exception))
        self.assertIn("nộp ngân sách nhà nước", str(refused.exception))
        self.assertFalse(AchievementReport.objects.get(pk=report.pk).is_submitted)
        report = self.save(
            report.version, measures="B", signer_name="Trần Thị Hảo", taxes=Decimal("12")
        )
        report = achievement_report_submit(
            report=report, seen_version=shown_version(report), by=self.staff
        )
        with self.assertRaises(DossierError):
            self.save(report.version, achievements="Sửa sau khi nộp")

    def test_return_needs_a_reason(self):
        report = self.save(0, achievements="A", measures="B", signer_title="Giám đốc")
        report = achievement_report_submit(
            report=report, seen_version=shown_version(report), by=self.staff
        )
        with self.assertRaises(DossierError):
            achievement_report_return(
                report=report, seen_version=shown_version(report), by=self.chair, reason="  "
            )
