"""The chair's settings of the dossier as signed documents: who may open them, what a save
keeps (with its history), and each rule refused with its message and nothing saved: a
letter dated before what it encloses, a meeting that ends before it starts, a date outside
the year, a concurrent save; one issuing-body symbol for every document of the year."""

import datetime

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from emulation.dossiers.selectors import dossier_for
from emulation.models import DossierSettings, ReportSettings
from provinces.models import Cluster
from tests.dossier_helpers import patch_scoring, seed_demo_year

User = get_user_model()
URL = reverse("dossiers:settings", args=["tay-bac", 2023])
PAGE = reverse("dossiers:page", args=["tay-bac", 2023])
GOOD = {
    "number": "14",
    "document_date": "11/12/2023",
    "place": "Việt Trì",
    "addressee": "Ban Thi đua - Khen thưởng Liên minh HTX Việt Nam",
    "signer_title": "Phó Chủ tịch",
    "signer_name": "Trần Văn An",
    "recipients": "Như trên;\nLưu: VT.",
    "minutes_number": "4",
    "meeting_start": "08:00",
    "meeting_end": "11:30",
    "chair_name": "Nguyễn Quốc Dũng",
    "secretary_name": "Lê Thị Bình",
}


class DossierSettingsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        cls.users = {
            name: User.objects.get(username=name) for name in ("sonla", "phutho", "caobang")
        }
        cls.admin = User.objects.get(username="admin")

    def setUp(self):
        self.seeded = DossierSettings.objects.get(cluster=self.cluster, year=2023)

    def post(self, **changes):
        data = {**GOOD, "seen_version": str(self.seeded.version), **changes}
        with patch_scoring():
            return self.client.post(URL, data)

    def as_chair(self):
        self.client.force_login(self.users["phutho"])

    def test_it_requires_login_and_the_chair_or_an_admin(self):
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}")
        self.client.force_login(self.users["caobang"])
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.client.force_login(self.users["sonla"])
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.post().status_code, 403)
        self.assertEqual(DossierSettings.objects.get().number, 12)  # the demo's, unchanged
        for user in (self.users["phutho"], self.admin):
            self.client.force_login(user)
            with patch_scoring():
                self.assertContains(self.client.get(URL), "CTĐ-TB")

    def test_the_chair_saves_with_history_and_the_documents_follow(self):
        self.as_chair()
        response = self.post()
        self.assertRedirects(response, PAGE, fetch_redirect_response=False)
        saved = DossierSettings.objects.get()
        self.assertEqual((saved.number, saved.version), (14, 2))
        self.assertEqual(saved.history.count(), 2)
        self.assertEqual(saved.history.first().history_user, self.users["phutho"])
        from emulation.dossiers.documents import meeting_minutes, submission_letter

        with patch_scoring():
            dossier = dossier_for(self.cluster, 2023)
        letter = submission_letter(dossier).text
        self.assertIn("Số: 14/TTr-CTĐ-TB", letter)
        self.assertIn("Việt Trì, ngày 11 tháng 12 năm 2023", letter)
        self.assertIn("Kính gửi: Ban Thi đua - Khen thưởng Liên minh HTX Việt Nam.", letter)
        self.assertIn("PHÓ CHỦ TỊCH LIÊN MINH HỢP TÁC XÃ TỈNH PHÚ THỌ\nTrần Văn An", letter)
        self.assertIn("- Lưu: VT.", letter)
        minutes = meeting_minutes(dossier).text
        self.assertIn("Số: 04/BB-CTĐ-TB", minutes)
        self.assertIn("Hồi 08 giờ 00 phút", minutes)
        self.assertIn("Lê Thị Bình", minutes)
        # Another person chairs: named without the letter's signer's title.
        chaired = "Chủ trì: Đồng chí Nguyễn Quốc Dũng, Liên minh Hợp tác xã tỉnh Phú Thọ"
        self.assertIn(chaired, minutes)
        self.assertNotIn("Nguyễn Quốc Dũng – Phó Chủ tịch", minutes)

    def assert_refused(self, response, message: str):
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, message, status_code=400)
        seeded = DossierSettings.objects.get()
        self.assertEqual((seeded.number, seeded.version), (12, 1))
        self.assertEqual(seeded.history.count(), 1)

    def test_a_letter_dated_before_an_enclosure_is_refused(self):
        self.as_chair()
        response = self.post(document_date="01/12/2023")  # the reports are of 5/12
        self.assert_refused(
            response, "Tờ trình không được ghi ngày trước văn bản kèm theo: Báo cáo thành tích"
        )
        self.assertContains(response, "ngày 05/12/2023", status_code=400)

    def test_a_meeting_ending_before_it_starts_is_refused(self):
        self.as_chair()
        response = self.post(meeting_start="14:00", meeting_end="13:00")
        self.assert_refused(response, "Giờ kết thúc họp phải sau giờ bắt đầu.")

    def test_a_date_outside_the_year_and_a_bad_time_are_refused(self):
        self.as_chair()
        self.assert_refused(
            self.post(document_date="05/01/2026"), "Tờ trình năm 2023 ghi ngày trong năm đó"
        )
        self.assert_refused(self.post(meeting_start="25:00"), "Giờ không hợp lệ")

    def test_a_concurrent_save_is_refused_and_what_was_typed_kept(self):
        self.as_chair()
        with patch_scoring():
            response = self.client.post(URL, {**GOOD, "seen_version": "0"})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Trần Văn An", status_code=409)
        self.assertEqual(DossierSettings.objects.get().version, 1)

    def test_a_report_submitted_after_the_letter_s_date_makes_the_dossier_incomplete(self):
        DossierSettings.objects.update(document_date=datetime.date(2023, 12, 1))
        with patch_scoring():
            dossier = dossier_for(self.cluster, 2023)
        texts = [item.text for item in dossier.missing]
        self.assertTrue(any(t.startswith("Tờ trình không được ghi ngày trước") for t in texts))

    def test_one_symbol_for_every_document_of_the_year(self):
        ReportSettings.objects.filter(cluster=self.cluster, year=2023).update(symbol="CTĐTB")
        from emulation.dossiers.documents import dossier_documents
        from emulation.reports.selectors import cluster_report

        with patch_scoring():
            dossier = dossier_for(self.cluster, 2023)
        letter, minutes, *_ = dossier_documents(dossier)
        self.assertIn("/TTr-CTĐTB", letter.number_line)
        self.assertIn("/BB-CTĐTB", minutes.number_line)
        report = cluster_report(cluster=self.cluster, year=2023)
        self.assertTrue(report.signature.number_line.endswith("/BC-CTĐTB"))

    def test_the_report_s_symbol_is_the_cluster_s_alone(self):
        self.client.force_login(self.admin)
        url = reverse("reports:settings", args=["tay-bac", 2023])
        settings = ReportSettings.objects.get(cluster=self.cluster, year=2023)
        for symbol, message in (
            ("BC-CTĐ", "Chỉ ghi ký hiệu của Cụm"),
            ("ctđ tb", "Ký hiệu gồm chữ in hoa và số"),
        ):
            response = self.client.post(
                url, {"symbol": symbol, "number": "5", "seen_version": str(settings.version)}
            )
            self.assertContains(response, message, status_code=400)
        settings.refresh_from_db()
        self.assertEqual(settings.symbol, "")

    def test_the_cached_dossier_and_agreement_change_with_the_settings(self):
        from cluster_portal.documents import data_stamp
        from emulation.dossiers.agreement_views import agreement_sources
        from emulation.dossiers.sources import dossier_sources

        dossier_before = data_stamp(dossier_sources("tay-bac", 2023))
        self.as_chair()
        self.assertEqual(self.post().status_code, 302)
        self.assertNotEqual(data_stamp(dossier_sources("tay-bac", 2023)), dossier_before)
        agreement_before = data_stamp(agreement_sources("tay-bac", 2023))
        self.client.force_login(self.admin)
        settings = ReportSettings.objects.get(cluster=self.cluster, year=2023)
        response = self.client.post(
            reverse("reports:settings", args=["tay-bac", 2023]),
            {"symbol": "CTĐTB", "number": "5", "seen_version": str(settings.version)},
        )
        self.assertEqual(response.status_code, 302)  # the symbol on the agreement's number
        self.assertNotEqual(data_stamp(agreement_sources("tay-bac", 2023)), agreement_before)
