"""The alliance's decisions (issue 26): recorded per award from the nominations the review
accepted, granting them and entering the register in one transaction; the decision's
.docx and .pdf (NĐ 30, legal basis) and the certificates; the public page, which shows
decided awards and nothing else. Every refusal saves nothing."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as open_docx
from pypdf import PdfReader

from emulation.decisions.documents import certificates_pdf, decision_docx, decision_pdf
from emulation.decisions.models import AwardDecision
from emulation.decisions.services import DecisionError, decision_record
from emulation.models import AwardRecord, AwardType, Nomination, NominationStatus
from emulation.nominations.services import nomination_decide
from emulation.review.services import dossier_send, review_accept, review_take
from provinces.models import Cluster, StaffProfile
from tests.dossier_helpers import patch_scoring, seed_demo_year

User = get_user_model()
YEAR = 2023
DAY = datetime.date(2024, 3, 15)
PUBLIC = reverse("decisions:public", args=[YEAR])
DECISIONS = reverse("decisions:year", args=[YEAR])


class DecisionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        cls.chair = User.objects.get(username="phutho")
        cls.vca = User.objects.create_user(username="vca-decider", password="pw")
        StaffProfile.objects.create(user=cls.vca, national=True)
        cls.flag = AwardType.objects.get(code="emulation-flag")
        cls.merit = AwardType.objects.get(code="certificate-of-merit")
        with patch_scoring():
            review = dossier_send(cluster=cls.cluster, year=YEAR, by=cls.chair, seen_version=0)
            review = review_take(review=review, by=cls.vca, seen_version=review.version)
            cls.review = review
            review_accept(review=review, by=cls.vca, seen_version=review.version)

    def flags(self):
        return list(Nomination.objects.filter(year=YEAR, award_type=self.flag).order_by("pk"))

    def record(self, **changes):
        values = {
            "award_type": self.flag,
            "year": YEAR,
            "number": "125/QĐ-LMHTXVN",
            "date": DAY,
            "signer_name": "Nguyễn Văn Chủ",
            "signer_title": "Chủ tịch",
            "nomination_ids": [n.pk for n in self.flags()],
            "by": self.vca,
        }
        return decision_record(**{**values, **changes})

    def assert_nothing_saved(self):
        self.assertFalse(AwardDecision.objects.exists())
        self.assertFalse(AwardRecord.objects.exists())
        self.assertFalse(Nomination.objects.filter(status=NominationStatus.GRANTED).exists())

    def test_a_decision_grants_its_awardees_and_enters_the_register(self):
        decision = self.record()
        self.assertEqual(decision.awardees.count(), 3)
        for nomination in self.flags():
            self.assertEqual(nomination.status, NominationStatus.GRANTED)
            self.assertEqual(nomination.decision_number, "125/QĐ-LMHTXVN")
        records = AwardRecord.objects.filter(year=YEAR, decision_number="125/QĐ-LMHTXVN")
        self.assertEqual(records.count(), 3)
        self.assertEqual(
            set(records.values_list("issuer", flat=True)), {"Liên minh Hợp tác xã Việt Nam"}
        )

    def test_every_rule_is_refused_with_its_message_and_nothing_saved(self):
        cases = [
            ({"nomination_ids": []}, "Chọn ít nhất một"),
            ({"date": datetime.date.today() + datetime.timedelta(days=3)}, "chưa đến"),
            ({"date": datetime.date(2022, 12, 31)}, "không thể ban hành trước năm 2023"),
            ({"signer_name": " "}, "Ghi đủ số quyết định, người ký"),
            # A certificate nominee in a flag decision: not a flag nomination.
            (
                {"nomination_ids": [Nomination.objects.filter(award_type=self.merit).first().pk]},
                "đã được thẩm định, chấp thuận và chưa có quyết định",
            ),
        ]
        for changes, message in cases:
            with self.subTest(message), self.assertRaisesMessage(DecisionError, message):
                self.record(**changes)
            self.assert_nothing_saved()

    def test_a_nomination_is_decided_once(self):
        self.record()
        with self.assertRaisesMessage(DecisionError, "chưa có quyết định"):
            self.record(number="126/QĐ-LMHTXVN")
        self.assertEqual(AwardDecision.objects.count(), 1)

    def test_nominations_of_a_dossier_not_accepted_cannot_be_decided(self):
        self.review.refresh_from_db()
        type(self.review).objects.filter(pk=self.review.pk).update(state="under_review")
        with self.assertRaisesMessage(DecisionError, "đã được thẩm định, chấp thuận"):
            self.record()
        self.assert_nothing_saved()

    def test_the_decision_opens_as_word_and_pdf_and_the_certificates_print(self):
        decision = self.record()
        docx = open_docx(io.BytesIO(decision_docx(decision)))
        text = "\n".join(p.text for p in docx.paragraphs) + "\n".join(
            cell.text for table in docx.tables for row in table.rows for cell in row.cells
        )
        for expected in (
            "QUYẾT ĐỊNH",
            "Số: 125/QĐ-LMHTXVN",
            "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15",
            "Căn cứ Nghị định số 98/2023/NĐ-CP",
            "Điều 1. Tặng Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam cho 03 tập thể",
            "Liên minh Hợp tác xã tỉnh Phú Thọ",
            "Nguyễn Văn Chủ",
            "Hà Nội, ngày 15 tháng 3 năm 2024",
        ):
            self.assertIn(expected, text)
        pdf = PdfReader(io.BytesIO(decision_pdf(decision)))
        pdf_text = " ".join(page.extract_text() for page in pdf.pages)
        self.assertIn("QUYẾT ĐỊNH", pdf_text)
        self.assertIn("125/QĐ-LMHTXVN", pdf_text)
        certificates = PdfReader(io.BytesIO(certificates_pdf(decision)))
        self.assertEqual(len(certificates.pages), 3)
        first = certificates.pages[0]
        self.assertGreater(first.mediabox.width, first.mediabox.height)  # landscape
        self.assertIn("CỜ THI ĐUA", first.extract_text())

    def test_the_public_page_shows_decided_awards_and_nothing_else(self):
        response = self.client.get(PUBLIC)  # no login
        self.assertContains(response, 'data-testid="public-empty"')
        # Granted by a cluster's own record, without a decision of the alliance: not shown.
        merit = Nomination.objects.filter(award_type=self.merit).order_by("pk").first()
        nomination_decide(
            nomination=merit,
            by=self.vca,
            granted=True,
            decision_number="7/QĐ-X",
            decision_date=DAY,
            seen_version=merit.version,
        )
        self.record()
        response = self.client.get(PUBLIC)
        self.assertContains(response, "125/QĐ-LMHTXVN")
        self.assertContains(response, "Liên minh Hợp tác xã tỉnh Phú Thọ")
        self.assertNotContains(response, "7/QĐ-X")
        self.assertNotContains(response, merit.nominee_name)
        for undecided in Nomination.objects.filter(award_type=self.merit):
            self.assertNotContains(response, undecided.nominee_name)
        self.assertNotContains(response, reverse("decisions:year", args=[YEAR]))
        self.assertNotContains(response, "/clusters/")

    def test_the_public_page_reads_a_fixed_number_of_queries(self):
        self.record()
        with CaptureQueriesContext(connection) as one:
            self.client.get(PUBLIC)
        merit = [n.pk for n in Nomination.objects.filter(award_type=self.merit)]
        self.record(award_type=self.merit, number="130/QĐ-LMHTXVN", nomination_ids=merit)
        with self.assertNumQueries(len(one)):  # the awardees and the years: two queries
            response = self.client.get(PUBLIC)
        self.assertContains(response, 'data-testid="public-decision"', count=2)
        self.assertEqual(len(one), 2)

    def test_provincial_staff_cannot_decide_or_download(self):
        decision = self.record()
        urls = [
            reverse("decisions:docx", args=[decision.pk]),
            reverse("decisions:pdf", args=[decision.pk]),
            reverse("decisions:certificates", args=[decision.pk]),
            DECISIONS,
        ]
        for name in ("phutho", "sonla"):
            self.client.force_login(User.objects.get(username=name))
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403, url)
            response = self.client.post(
                reverse("decisions:record", args=[YEAR, "certificate-of-merit"]), {}
            )
            self.assertEqual(response.status_code, 403)
        self.assertEqual(AwardDecision.objects.count(), 1)

    def test_the_reviewer_records_a_decision_on_the_page(self):
        self.client.force_login(self.vca)
        url = reverse("decisions:record", args=[YEAR, "certificate-of-merit"])
        merit = list(Nomination.objects.filter(award_type=self.merit).values_list("pk", flat=True))
        data = {
            "certificate-of-merit-number": "130/QĐ-LMHTXVN",
            "certificate-of-merit-date": "15/03/2024",
            "certificate-of-merit-signer_name": "Trần Thị Ký",
            "certificate-of-merit-signer_title": "Phó Chủ tịch",
            "certificate-of-merit-nominations": [str(pk) for pk in merit],
        }
        refused = self.client.post(url, {**data, "certificate-of-merit-date": "31/12/2022"})
        self.assertContains(refused, "không thể ban hành trước năm 2023", status_code=400)
        self.assertFalse(AwardDecision.objects.exists())
        self.assertRedirects(self.client.post(url, data), DECISIONS)
        decision = AwardDecision.objects.get()
        self.assertEqual(decision.awardees.count(), 7)  # 5 collectives, a person, a household
        response = self.client.get(reverse("decisions:docx", args=[decision.pk]))
        docx = open_docx(io.BytesIO(b"".join(response.streaming_content)))
        text = "\n".join(p.text for p in docx.paragraphs)
        text += "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
        self.assertIn("KT. CHỦ TỊCH", text)
        self.assertIn("PHÓ CHỦ TỊCH", text)
