"""The award dossier's files, opened as a reader would: every .docx with python-docx and
every PDF's text with pypdf, looking for the nominees, their scores and votes, the
signer and the number line."""

import datetime
import io
import zipfile

from django.test import TestCase
from docx import Document as open_docx
from docx.shared import Mm

from cluster_portal.number_style import format_exact
from emulation.dossiers.letter import enclosures, letter_for
from emulation.dossiers.render import DossierIncompleteError, dossier_files, dossier_zip
from emulation.dossiers.selectors import dossier_for
from emulation.models import AchievementReport, Nomination
from provinces.models import Cluster, YearlyFigures
from provinces.organisation.selectors import province_for_code
from tests.dossier_helpers import YEAR, docx_text, patch_scoring, pdf_text, seed_demo_year
from tests.pdf_memo import reused_pdfs

# Every name in full, as the documents print them (never "HTX DVNN").
NOMINEES = [
    "Liên minh Hợp tác xã tỉnh Phú Thọ",
    "Hợp tác xã Dịch vụ nông nghiệp và điện năng Vĩnh Lại",
    "Hợp tác xã Dịch vụ tổng hợp Thắng Lợi",
    "Liên minh Hợp tác xã tỉnh Lai Châu",
    "Hợp tác xã Dịch vụ nông nghiệp Mường Tấc",
    "Hợp tác xã Nông nghiệp Hảo Anh",
    "Hợp tác xã Sản xuất vật liệu xây dựng Hà Nam Bình",
    "Hợp tác xã Đa ngành nghề Tâm Cương Tân Minh",
    "Vàng Thị Mai",
    "Hộ gia đình ông Bùi Văn Tâm",
]
# The individual's and the household's forms have no number line.
UNNUMBERED = ("Vang-Thi-Mai", "Ho-gia-dinh")
SIGNER = "Nguyễn Quốc Dũng"


def flat(text: str) -> str:
    return " ".join(text.split())


class DemoDossierTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        with patch_scoring(), reused_pdfs():  # the PDFs once per process (tests/pdf_memo.py)
            cls.dossier = dossier_for(cls.cluster, YEAR)
            cls.files = dict(dossier_files(cls.dossier))
        cls.texts = {
            name: flat(docx_text(content) if name.endswith(".docx") else pdf_text(content))
            for name, content in cls.files.items()
        }

    def both(self, stem: str) -> list[str]:
        return [self.texts[f"{stem}.docx"], self.texts[f"{stem}.pdf"]]

    def test_it_is_complete(self):
        self.assertEqual(self.dossier.missing, [])

    def test_it_holds_each_document_as_docx_and_pdf_with_plain_names(self):
        stems = {name.rsplit(".", 1)[0] for name in self.files}
        self.assertEqual(len(stems), 3 + len(NOMINEES))
        for stem in stems:
            self.assertIn(f"{stem}.docx", self.files)
            self.assertIn(f"{stem}.pdf", self.files)
            self.assertRegex(stem, r"^[A-Za-z0-9-]+$")
        self.assertIn("To-trinh-Cum-Tay-Bac-2023.docx", self.files)
        self.assertIn("Bien-ban-hop-binh-xet-Cum-Tay-Bac-2023.pdf", self.files)
        self.assertIn("Bang-tong-hop-diem-Cum-Tay-Bac-2023.pdf", self.files)
        self.assertIn(
            "Bao-cao-thanh-tich-Hop-tac-xa-Dich-vu-nong-nghiep-va-dien-nang-Vinh-Lai-2023.docx",
            self.files,
        )
        for name, content in self.files.items():
            magic = b"%PDF" if name.endswith(".pdf") else b"PK"
            self.assertTrue(content.startswith(magic), name)

    def test_every_document_has_the_nd30_header_and_a_signer(self):
        for name, text in self.texts.items():
            if name.startswith("Bang-tong-hop"):  # the minutes' appendix: their number
                self.assertIn("(Kèm theo Biên bản số 03/BB-CTĐ-TB ngày 30/11/2023)", text)
            elif not any(stem in name for stem in UNNUMBERED):
                self.assertRegex(text, r"Số: *\d*/[A-Za-zĐ]+-[A-ZĐ-]+", name)
            self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text, name)
            self.assertIn("Độc lập - Tự do - Hạnh phúc", text, name)
        for text in self.both("To-trinh-Cum-Tay-Bac-2023"):
            # The demo's settings: numbered, dated after the reports it encloses (5/12).
            self.assertIn("Số: 12/TTr-CTĐ-TB", text)
            self.assertIn("Phú Thọ, ngày 08 tháng 12 năm 2023", text)
            self.assertIn("Kính gửi: Liên minh Hợp tác xã Việt Nam.", text)
            self.assertIn("Căn cứ Quy chế hoạt động của Cụm thi đua Liên minh HTX các tỉnh", text)
            self.assertIn("Căn cứ Giao ước thi đua năm 2023 của Cụm thi đua", text)
            self.assertIn("biên bản số 03/BB-CTĐ-TB ngày 30/11/2023", text)
            self.assertIn("CỤM TRƯỞNG", text)
            self.assertIn(SIGNER, text)
            self.assertIn("Nơi nhận:", text)

    def test_the_letter_lists_nominees_by_award_with_score_rank_and_vote(self):
        for text in self.both("To-trinh-Cum-Tay-Bac-2023"):
            self.assertIn("TỜ TRÌNH", text)
            flag = text.index("Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam cho 03")
            merit = text.index("Bằng khen của Chủ tịch Liên minh HTX Việt Nam cho 05")
            self.assertLess(flag, merit)
            for name in NOMINEES:
                self.assertIn(name, text)
            phu_tho = text.index("1 Liên minh Hợp tác xã tỉnh Phú Thọ Phú Thọ 96 1 7/7")
            self.assertLess(flag, phu_tho)
            self.assertGreater(
                text.index("1 Liên minh Hợp tác xã tỉnh Lai Châu Lai Châu 84,5 6 7/7"), merit
            )
            self.assertEqual(text.count("7/7"), len(NOMINEES))

    def test_the_minutes_record_date_place_presence_ranking_and_votes(self):
        for text in self.both("Bien-ban-hop-binh-xet-Cum-Tay-Bac-2023"):
            self.assertIn("BIÊN BẢN", text)
            self.assertIn("Số: 03/BB-CTĐ-TB", text)
            self.assertIn("Thời gian: Hồi 14 giờ 00 phút, ngày 30/11/2023", text)
            self.assertIn("kết thúc hồi 16 giờ 30 phút cùng ngày", text)
            self.assertIn("Thư ký: Đồng chí Đỗ Thị Hương", text)
            self.assertIn("Chủ trì: Đồng chí Nguyễn Quốc Dũng – Chủ tịch", text)
            self.assertIn("Phụ lục kèm theo Biên bản này", text)
            self.assertIn("Trụ sở Liên minh Hợp tác xã tỉnh Phú Thọ", text)
            self.assertIn("Có mặt: 7/7", text)
            self.assertIn("Đỗ Nhân Đạo", text)
            # The suy tôn (dossier_helpers' recorded result): 7 of the 7 ballots.
            self.assertIn("1 Liên minh Hợp tác xã tỉnh Phú Thọ 96 7", text)
            self.assertIn("2 Liên minh Hợp tác xã tỉnh Lào Cai 91,5 0", text)
            self.assertIn("trên 50 % tổng số thành viên của Cụm", text)
            self.assertIn("có mặt ít nhất 5/7 thành viên", text)
            self.assertEqual(text.count("Kín: 7 phát, 7 thu, 7 hợp lệ"), len(NOMINEES))
            self.assertEqual(text.count("Đạt"), len(NOMINEES))
            # Lai Châu, 6th of 7, proposed while 2nd to 5th are not: the reason is printed.
            self.assertIn("Lý do đề nghị tập thể xếp hạng sau thành viên không được đề nghị", text)
            self.assertIn("chưa được khen thưởng từ năm 2019", text)
            self.assertIn("THƯ KÝ", text)
            self.assertIn(SIGNER, text)

    def test_the_summary_has_every_member_with_total_and_rank(self):
        for text in self.both("Bang-tong-hop-diem-Cum-Tay-Bac-2023"):
            self.assertIn("PHỤ LỤC", text)
            self.assertIn("Bảng tổng hợp kết quả chấm điểm thi đua năm 2023", text)
            self.assertIn("Tổng điểm", text)
            self.assertIn("Xếp hạng", text)
            for name in ("Điện Biên", "Hòa Bình", "Lai Châu", "Lào Cai", "Phú Thọ", "Sơn La"):
                self.assertIn(name, text)
            # Members in alphabetical order: Điện Biên 80 … Yên Bái 90; ranks follow.
            self.assertIn("Tổng điểm 100 80 85 84,5 91,5 96 88 90", text)
            self.assertIn("Xếp hạng 7 5 6 2 1 4 3", text)

    def test_an_alliance_report_is_filled_from_its_approved_figures_score_and_disbursements(self):
        figures = YearlyFigures.objects.get(province=province_for_code("25", YEAR), year=YEAR)
        disbursements = self.dossier.nominees[0].disbursements_all
        for text in self.both("Bao-cao-thanh-tich-Lien-minh-Hop-tac-xa-tinh-Phu-Tho-2023"):
            self.assertIn("BÁO CÁO THÀNH TÍCH", text)
            self.assertIn("/BC-LMHTX", text)
            self.assertIn("Đề nghị tặng Cờ thi đua", text)
            self.assertIn("đạt 96 điểm (thang điểm 100", text)
            self.assertIn("xếp thứ 1/7 Liên minh Hợp tác xã tỉnh thành viên", text)
            self.assertIn(f"Tổng số HTX (cuối năm) HTX {format_exact(figures.htx_total)}", text)
            self.assertIn(f"{format_exact(disbursements.count)} /", text)
            self.assertIn("Địa chỉ trụ sở chính: Trụ sở tại tỉnh Phú Thọ", text)
            self.assertIn("Tổng số cán bộ, nhân viên (lao động): 18 người", text)
            self.assertIn("vượt mức các chỉ tiêu giao ước thi đua", text)  # the province's text
            self.assertIn("3. Việc thực hiện chủ trương, chính sách của Đảng", text)
            self.assertIn("CHỦ TỊCH", text)
            self.assertIn(SIGNER, text)
            # The direct superior confirms, by name: the province's People's Committee.
            self.assertIn("XÁC NHẬN CỦA CẤP TRÊN TRỰC TIẾP", text)
            self.assertIn("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", text)
            self.assertIn("Bùi Văn Quang", text)

    def test_a_cooperative_report_is_filled_from_the_directory_and_the_provinces_text(self):
        for text in self.both("Bao-cao-thanh-tich-Hop-tac-xa-Nong-nghiep-Hao-Anh-2023"):
            self.assertIn("HỢP TÁC XÃ NÔNG NGHIỆP HẢO ANH", text)
            self.assertNotIn("HTX NN", text)
            self.assertIn("/BC-HTX", text)
            self.assertIn("Đề nghị tặng Bằng khen", text)
            self.assertIn("Tên đơn vị: Hợp tác xã Nông nghiệp Hảo Anh", text)
            # The business figures the province typed, against the year before.
            self.assertIn("Tổng doanh thu triệu đồng 6.120 6.850 +11,9 %", text)
            self.assertIn("Số thành viên thành viên 80 86", text)
            self.assertIn("Ứng dụng tiến bộ kỹ thuật", text)
            self.assertIn("GIÁM ĐỐC", text)
            self.assertIn("Trần Thị Hảo", text)
            # Its direct superior is its province's alliance, not the cluster head.
            self.assertIn("LIÊN MINH HỢP TÁC XÃ TỈNH LÀO CAI", text)
            self.assertIn("Trương Mạnh Hùng", text)
            self.assertNotIn("CỤM TRƯỞNG", text)
            self.assertIn("Lào Cai, ngày 05 tháng 12 năm 2023", text)

    def test_word_files_are_real_documents_in_the_nd30_page_layout(self):
        for name, content in self.files.items():
            if not name.endswith(".docx"):
                continue
            document = open_docx(io.BytesIO(content))
            section = document.sections[0]
            short, long = sorted([section.page_width, section.page_height])
            self.assertAlmostEqual(short, Mm(210), delta=Mm(1))
            self.assertAlmostEqual(long, Mm(297), delta=Mm(1))
            # NĐ 30: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (Word stores
            # twentieths of a point: allow a tenth of a millimetre).
            for margin, low, high in (
                (section.top_margin, 20, 25),
                (section.bottom_margin, 20, 25),
                (section.left_margin, 30, 35),
                (section.right_margin, 15, 20),
            ):
                self.assertTrue(Mm(low - 0.1) <= margin <= Mm(high + 0.1), name)
            self.assertEqual(document.styles["Normal"].font.name, "Times New Roman")
            used = {p.style.name for p in document.paragraphs}
            if not name.startswith("Bang-tong-hop"):  # the summary is one table
                self.assertTrue(used & {"Heading 1", "Heading 2"}, name)
            self.assertIn("Title", used, name)
            grids = [t for t in document.tables if t.style.name == "Table Grid"]
            self.assertTrue(grids, name)  # every report has its awards table
        summary = open_docx(io.BytesIO(self.files["Bang-tong-hop-diem-Cum-Tay-Bac-2023.docx"]))
        self.assertGreater(summary.sections[0].page_width, summary.sections[0].page_height)

    def test_word_files_number_their_pages_from_the_second(self):
        for name, content in self.files.items():
            if not name.endswith(".docx"):
                continue
            section = open_docx(io.BytesIO(content)).sections[0]
            self.assertTrue(section.different_first_page_header_footer, name)
            footer = section.footer._element.xml
            self.assertIn("PAGE", footer, name)
            self.assertIn('w:fldCharType="begin"', footer, name)
            self.assertNotIn("PAGE", section.first_page_footer._element.xml, name)

    def test_the_letter_is_dated_after_everything_it_encloses(self):
        letter = letter_for(self.dossier)
        dated = enclosures(self.dossier)
        self.assertEqual(len(dated), 1 + len(NOMINEES))  # the minutes and every report
        self.assertTrue(all(day <= letter.date for _, day in dated), dated)
        self.assertEqual(self.dossier.meeting_date, datetime.date(2023, 11, 30))
        self.assertEqual(letter.date, datetime.date(2023, 12, 8))

    def test_the_zip_holds_every_file(self):
        with patch_scoring(), reused_pdfs():
            content = dossier_zip(dossier_for(self.cluster, YEAR))
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        self.assertEqual(sorted(names), sorted(self.files))


class IncompleteDossierTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")

    def test_a_missing_report_is_named_and_the_files_refused(self):
        AchievementReport.objects.filter(
            nomination__nominee_cooperative__name="HTX NN Hảo Anh"
        ).delete()
        with patch_scoring():
            dossier = dossier_for(self.cluster, YEAR)
        texts = [m.text for m in dossier.missing]
        self.assertEqual(texts, ["HTX NN Hảo Anh (tỉnh Lào Cai): chưa có báo cáo thành tích."])
        with self.assertRaises(DossierIncompleteError) as refused:
            dossier_files(dossier)
        self.assertIn(
            "HTX NN Hảo Anh (tỉnh Lào Cai): chưa có báo cáo thành tích.", str(refused.exception)
        )

    def test_without_a_recorded_scoring_meeting_it_says_so(self):
        with patch_scoring(lambda cluster, year: None):
            dossier = dossier_for(self.cluster, YEAR)
        self.assertEqual(
            [m.text for m in dossier.missing], ["Chưa có bảng chấm điểm thi đua năm 2023."]
        )

    def test_a_draft_report_and_unapproved_figures_are_listed(self):
        report = AchievementReport.objects.get(nomination__nominee_alliance__code="12")
        AchievementReport.objects.filter(pk=report.pk).update(status="draft")
        YearlyFigures.objects.filter(province__code="12", year=YEAR).update(status="submitted")
        with patch_scoring():
            dossier = dossier_for(self.cluster, YEAR)
        texts = [m.text for m in dossier.missing]
        self.assertEqual(
            texts,
            [
                "Liên minh HTX tỉnh Lai Châu: báo cáo thành tích chưa được tỉnh nộp.",
                "Liên minh HTX tỉnh Lai Châu: số liệu năm 2023 chưa được duyệt.",
            ],
        )
        self.assertTrue(all(m.url for m in dossier.missing))

    def test_no_endorsed_nomination_means_nothing_to_send(self):
        Nomination.objects.filter(cluster=self.cluster, year=YEAR).update(status="proposed")
        with patch_scoring():
            dossier = dossier_for(self.cluster, YEAR)
        self.assertEqual(
            [m.text for m in dossier.missing],
            ["Chưa có đề nghị khen thưởng nào được hội nghị thống nhất đề nghị."],
        )
