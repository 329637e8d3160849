"""Achievement reports after the official forms (issue 23): the individual's and the
household's reports of the demo dossier opened with python-docx and pypdf; every name in
full in every document, no portal wording; the dossier complete only when every required
field and both signers' names are there (the dossier's list, the files, the to-dos); the
report page asks for what the nominee's form needs."""

from unittest import mock

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from emulation.dossiers.render import DossierIncompleteError, dossier_files
from emulation.dossiers.selectors import dossier_for
from emulation.models import AchievementReport, Nomination
from provinces.models import Cluster, Cooperative
from tests.dossier_helpers import YEAR, docx_text, patch_scoring, pdf_text, seed_demo_year
from tests.pdf_memo import reused_pdfs

User = get_user_model()
PERSON_STEM = "Bao-cao-thanh-tich-Vang-Thi-Mai-2023"
HOUSEHOLD_STEM = "Bao-cao-thanh-tich-Ho-gia-dinh-ong-Bui-Van-Tam-2023"
# What a reviewer must never read in an official document.
NEVER = ("HTX DVNN", "HTX NN ", "HTX SX VLXD", "cổng chưa có số liệu", "Chưa có nội dung")


def flat(text: str) -> str:
    return " ".join(text.split())


class NomineeReportDocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        with patch_scoring(), reused_pdfs():
            cls.dossier = dossier_for(cls.cluster, YEAR)
            cls.files = dict(dossier_files(cls.dossier))
        cls.texts = {
            name: flat(docx_text(content) if name.endswith(".docx") else pdf_text(content))
            for name, content in cls.files.items()
        }

    def both(self, stem: str) -> list[str]:
        return [self.texts[f"{stem}.docx"], self.texts[f"{stem}.pdf"]]

    def test_the_individual_report_follows_the_individual_form(self):
        for text in self.both(PERSON_STEM):
            self.assertIn("BÁO CÁO THÀNH TÍCH", text)
            self.assertIn("Đề nghị tặng Bằng khen", text)
            self.assertIn("I. SƠ LƯỢC LÝ LỊCH", text)
            self.assertIn("- Họ và tên: Vàng Thị Mai - Sinh ngày: 12/04/1978 - Giới tính: Nữ", text)
            self.assertIn("Chức vụ (Đảng, chính quyền, đoàn thể): Phó Chủ tịch Liên minh", text)
            self.assertIn("Thời gian công tác: từ năm 2001", text)
            self.assertIn("1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận", text)
            self.assertIn("III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN", text)
            # Signed by the person, confirmed by the head of her unit, both by name.
            self.assertIn("NGƯỜI BÁO CÁO THÀNH TÍCH Vàng Thị Mai", text)
            self.assertIn("LIÊN MINH HỢP TÁC XÃ TỈNH LAI CHÂU CHỦ TỊCH Lò Văn Thanh", text)

    def test_the_household_report_follows_the_household_form(self):
        for text in self.both(HOUSEHOLD_STEM):
            self.assertIn("Họ và tên chủ hộ: Bùi Văn Tâm", text)
            self.assertIn("Số nhân khẩu: 5 người", text)
            self.assertIn("Ngành nghề sản xuất, kinh doanh chính: Trồng và chế biến chè", text)
            self.assertIn("Tổng doanh thu triệu đồng 365 420 +15,1 %", text)
            self.assertIn("CHỦ HỘ Bùi Văn Tâm", text)
            self.assertIn("ỦY BAN NHÂN DÂN XÃ TÂN MINH", text)
            self.assertIn("Đinh Công Minh", text)

    def test_the_letter_and_minutes_name_the_individual_and_the_household(self):
        for text in self.both("To-trinh-Cum-Tay-Bac-2023"):
            self.assertIn("cho 05 tập thể, 01 cá nhân, 01 hộ gia đình", text)
            self.assertIn("6 Vàng Thị Mai Lai Châu", text)
            self.assertIn("7 Hộ gia đình ông Bùi Văn Tâm Hòa Bình", text)
        for text in self.both("Bien-ban-hop-binh-xet-Cum-Tay-Bac-2023"):
            self.assertIn("Vàng Thị Mai", text)
            self.assertIn("Hộ gia đình ông Bùi Văn Tâm", text)

    def test_no_document_abbreviates_a_name_or_speaks_of_the_portal(self):
        for name, text in self.texts.items():
            for words in NEVER:
                self.assertNotIn(words, text, name)

    def test_every_report_is_signed_by_name_on_both_sides(self):
        for nominee in self.dossier.nominees:
            report = nominee.report
            self.assertTrue(report.superior_name, nominee.name)
            if nominee.kind in ("alliance", "cooperative"):
                self.assertTrue(report.signer_name, nominee.name)


class CompletenessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        cls.person = Nomination.objects.get(year=YEAR, nominee_person__isnull=False)

    def dossier(self):
        with patch_scoring():
            return dossier_for(self.cluster, YEAR)

    def test_the_demo_dossier_is_complete(self):
        self.assertEqual(self.dossier().missing, [])

    def test_a_missing_signer_name_keeps_the_dossier_incomplete_even_when_submitted(self):
        AchievementReport.objects.filter(nomination=self.person).update(superior_name="")
        dossier = self.dossier()
        (missing,) = dossier.missing
        self.assertIn("Vàng Thị Mai", missing.text)
        self.assertIn("họ và tên người ký xác nhận", missing.text)
        self.assertEqual(missing.url, reverse("dossiers:report", args=[self.person.pk]))
        with self.assertRaises(DossierIncompleteError):
            dict(dossier_files(dossier))

    def test_a_cooperative_without_its_full_name_is_asked_for_it(self):
        Cooperative.objects.filter(name="HTX NN Hảo Anh").update(full_name="")
        (missing,) = self.dossier().missing
        self.assertIn("tên đầy đủ của HTX/THT (không viết tắt)", missing.text)

    def test_the_province_gets_a_todo_to_complete_a_submitted_report(self):
        AchievementReport.objects.filter(nomination=self.person).update(superior_name="")
        built = mock.patch("emulation.home.views.cached_part", lambda request, *, make, **_: make())
        built.start()
        self.addCleanup(built.stop)
        self.client.force_login(User.objects.get(username="laichau"))
        todos = self.client.get(reverse("home")).context["todos"]
        (todo,) = [t for t in todos if t.kind == "achievement_report"]
        self.assertIn("Bổ sung báo cáo thành tích: Vàng Thị Mai", todo.title)


class ReportPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.person = Nomination.objects.get(year=YEAR, nominee_person__isnull=False)
        cls.cooperative = Nomination.objects.get(
            year=YEAR, nominee_cooperative__name="HTX NN Hảo Anh"
        )
        AchievementReport.objects.filter(nomination__in=[cls.person, cls.cooperative]).update(
            status="draft"
        )

    def test_the_individual_form_asks_for_duties_and_the_confirming_superior(self):
        self.client.force_login(User.objects.get(username="laichau"))
        page = self.client.get(reverse("dossiers:report", args=[self.person.pk]))
        form = page.context["form"]
        self.assertIn("superior_name", form.fields)
        self.assertNotIn("head_office", form.fields)
        self.assertNotIn("revenue", form.fields)
        self.assertIn("Quyền hạn, nhiệm vụ được giao", form.fields["summary"].label)

    def test_the_cooperative_form_writes_its_full_name_and_refuses_a_submission_with_gaps(self):
        self.client.force_login(User.objects.get(username="laocai"))
        url = reverse("dossiers:report", args=[self.cooperative.pk])
        form = self.client.get(url).context["form"]
        for name in ("full_name", "head_office", "revenue", "taxes", "superior_name"):
            self.assertIn(name, form.fields)
        report = AchievementReport.objects.get(nomination=self.cooperative)
        data = {name: form[name].value() or "" for name in form.fields}
        data |= {"seen_version": report.version, "action": "submit", "taxes": ""}
        data["full_name"] = "Hợp tác xã Nông nghiệp Hảo Anh Bắc Hà"
        refused = self.client.post(url, data)
        self.assertEqual(refused.status_code, 409)
        self.assertContains(refused, "nộp ngân sách nhà nước", status_code=409)
        self.assertFalse(AchievementReport.objects.get(pk=report.pk).is_submitted)
        data["taxes"] = "128,5"
        self.assertRedirects(self.client.post(url, data), url)
        report.refresh_from_db()
        self.assertTrue(report.is_submitted)
        self.assertEqual(str(report.taxes), "128.5")
        self.assertEqual(
            Cooperative.objects.get(pk=self.cooperative.nominee_cooperative_id).full_name,
            "Hợp tác xã Nông nghiệp Hảo Anh Bắc Hà",
        )
