"""The alliance's review of a cluster's dossier (issue 26): the chair sends, a reviewer
(national staff) takes it, returns it with a reason, the chair sends again with a note,
the reviewer accepts. Every step refused with its message saves nothing; provincial staff
(the chair included) neither review nor decide; each step tells the people concerned."""

import datetime

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from emulation.models import AwardRecord, DossierReview, Nomination, NominationStatus
from emulation.review.models import ReviewState
from emulation.review.services import (
    ReviewError,
    StaleReviewError,
    dossier_send,
    review_accept,
    review_return,
    review_take,
)
from provinces.models import Cluster, StaffProfile
from provinces.notices.models import Notice, NoticeKind
from tests.dossier_helpers import patch_scoring, seed_demo_year

User = get_user_model()
YEAR = 2023
STATUS = reverse("review:status", args=["tay-bac", YEAR])
SEND = reverse("review:send", args=["tay-bac", YEAR])
REVIEW = reverse("review:review", args=[YEAR, "tay-bac"])
LIST = reverse("review:year", args=[YEAR])


def step_url(step: str) -> str:
    return reverse("review:step", args=[YEAR, "tay-bac", step])


class ReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        cls.chair = User.objects.get(username="phutho")  # head of Tây Bắc in 2023
        cls.staff = User.objects.get(username="sonla")
        cls.vca = User.objects.create_user(username="vca-reviewer", password="pw")
        cls.vca.email = "vca@demo.invalid"
        cls.vca.save()
        StaffProfile.objects.create(user=cls.vca, national=True)

    def setUp(self):
        patcher = patch_scoring()
        patcher.start()
        self.addCleanup(patcher.stop)

    def send(self, note: str = "", seen_version: int = 0) -> DossierReview:
        return dossier_send(
            cluster=self.cluster, year=YEAR, by=self.chair, note=note, seen_version=seen_version
        )

    def test_the_round_trip_with_its_history_and_notices(self):
        review = self.send()
        self.assertEqual(review.state, ReviewState.SENT)
        statuses = set(Nomination.objects.filter(year=YEAR).values_list("status", flat=True))
        self.assertEqual(statuses, {NominationStatus.SUBMITTED})
        told = Notice.objects.filter(recipient=self.vca, kind=NoticeKind.DOSSIER_REVIEW)
        self.assertEqual(told.count(), 1)
        review = review_take(review=review, by=self.vca, seen_version=review.version)
        review = review_return(
            review=review, by=self.vca, reason="Thiếu chữ ký", seen_version=review.version
        )
        self.assertEqual((review.state, review.reason), (ReviewState.RETURNED, "Thiếu chữ ký"))
        chair_notices = Notice.objects.filter(recipient=self.chair, kind=NoticeKind.DOSSIER_REVIEW)
        self.assertIn("Lý do: Thiếu chữ ký", chair_notices.order_by("pk").last().body)
        review = self.send(note="Đã bổ sung chữ ký", seen_version=review.version)
        self.assertEqual((review.state, review.rounds), (ReviewState.SENT, 2))
        review = review_take(review=review, by=self.vca, seen_version=review.version)
        review = review_accept(review=review, by=self.vca, seen_version=review.version)
        self.assertEqual(review.state, ReviewState.ACCEPTED)
        states = [h.state for h in review.history.order_by("history_date", "history_id")]
        self.assertEqual(states, ["sent", "under_review", "returned", "sent", "under_review",
                                  "accepted"])  # fmt: skip
        self.assertEqual(chair_notices.count(), 4)  # taken, returned, taken, accepted

    def test_an_incomplete_dossier_is_refused_naming_what_is_missing(self):
        Nomination.objects.get(
            nominee_cooperative__name="HTX NN Hảo Anh"
        ).achievement_report.delete()
        with self.assertRaisesMessage(ReviewError, "HTX NN Hảo Anh"):
            self.send()
        self.assertFalse(DossierReview.objects.exists())
        self.assertFalse(Nomination.objects.filter(status=NominationStatus.SUBMITTED).exists())

    def test_each_step_out_of_order_or_without_its_text_is_refused_and_saves_nothing(self):
        review = self.send()
        with self.assertRaisesMessage(ReviewError, "chỉ gửi lại khi bị trả lại"):
            self.send(seen_version=review.version)
        with self.assertRaisesMessage(ReviewError, "Chỉ chấp thuận được hồ sơ đang thẩm định"):
            review_accept(review=review, by=self.vca, seen_version=review.version)
        with self.assertRaisesMessage(ReviewError, "Cần ghi lý do trả lại"):
            review_return(review=review, by=self.vca, reason="  ", seen_version=review.version)
        with self.assertRaises(StaleReviewError):
            review_take(review=review, by=self.vca, seen_version=review.version + 5)
        stored = DossierReview.objects.get()
        self.assertEqual((stored.state, stored.version), (ReviewState.SENT, 1))
        review = review_return(review=review, by=self.vca, reason="Sửa", seen_version=1)
        with self.assertRaisesMessage(ReviewError, "ghi rõ đã bổ sung, sửa những gì"):
            self.send(seen_version=review.version)
        self.assertEqual(DossierReview.objects.get().state, ReviewState.RETURNED)

    def test_whoever_sent_the_dossier_does_not_review_it(self):
        admin = User.objects.get(username="admin")
        review = dossier_send(cluster=self.cluster, year=YEAR, by=admin, seen_version=0)
        with self.assertRaisesMessage(ReviewError, "Người gửi hồ sơ không tự thẩm định"):
            review_take(review=review, by=admin, seen_version=review.version)
        self.assertEqual(DossierReview.objects.get().state, ReviewState.SENT)

    def test_accepting_checks_each_nominee_against_the_rules_of_its_award(self):
        review = self.send()
        review = review_take(review=review, by=self.vca, seen_version=review.version)
        # The register shows Sơn La's alliance already rewarded for 2023: one achievement,
        # one award.
        sonla = Nomination.objects.get(year=YEAR, nominee_alliance__code="12")
        AwardRecord.objects.create(
            alliance=sonla.nominee_alliance,
            year=YEAR,
            award="Bằng khen của UBND tỉnh",
            decision_number="9/QĐ-UBND",
            decision_date=datetime.date(2024, 1, 5),
            issuer="UBND tỉnh Sơn La",
        )
        with self.assertRaisesMessage(ReviewError, "không khen thưởng nhiều lần"):
            review_accept(review=review, by=self.vca, seen_version=review.version)
        self.assertEqual(DossierReview.objects.get().state, ReviewState.UNDER_REVIEW)
        self.client.force_login(self.vca)
        page = self.client.get(REVIEW)
        self.assertContains(page, "9/QĐ-UBND")
        self.assertContains(page, 'data-testid="check-problems"', count=1)
        self.assertContains(page, 'data-testid="check-ok"', count=9)

    def test_provincial_staff_and_the_chair_cannot_review(self):
        review = self.send()
        for user in (self.chair, self.staff):
            self.client.force_login(user)
            self.assertEqual(self.client.get(LIST).status_code, 403)
            self.assertEqual(self.client.get(REVIEW).status_code, 403)
            for step in ("take", "return", "accept"):
                response = self.client.post(step_url(step), {"seen_version": review.version})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(DossierReview.objects.get().version, review.version)
        self.client.logout()
        self.assertRedirects(self.client.get(REVIEW), f"{reverse('login')}?next={REVIEW}")

    def test_only_the_chair_sends_from_the_status_page(self):
        self.client.force_login(self.staff)
        self.assertNotContains(self.client.get(STATUS), 'data-testid="send-form"')
        self.assertEqual(self.client.post(SEND, {"seen_version": 0}).status_code, 403)
        self.assertFalse(DossierReview.objects.exists())
        self.client.force_login(self.chair)
        self.assertContains(self.client.get(STATUS), 'data-testid="send-form"')
        self.client.post(SEND, {"seen_version": 0})
        self.assertEqual(DossierReview.objects.get().state, ReviewState.SENT)

    def test_the_reviewer_returns_and_accepts_on_the_page(self):
        self.send()
        self.client.force_login(self.vca)
        self.assertContains(self.client.get(LIST), "Cụm thi đua")
        self.client.post(step_url("take"), {"seen_version": 1})
        response = self.client.post(
            step_url("return"), {"seen_version": 2, "reason": ""}, follow=True
        )
        self.assertContains(response, "Cần ghi lý do trả lại")
        self.assertEqual(DossierReview.objects.get().state, ReviewState.UNDER_REVIEW)
        self.client.post(step_url("accept"), {"seen_version": 2})
        self.assertEqual(DossierReview.objects.get().state, ReviewState.ACCEPTED)
