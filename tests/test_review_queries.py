"""The review pages run a fixed number of queries whatever the number of nominees and
clusters: the rules' inputs (the register, every cluster's nominations of the year, the
meeting's ranks, the quotas) are read once for the whole dossier and the rules
(emulation.nominations.rules) evaluated on them; the checks say what the rules say when
asked one nominee at a time."""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emulation.dossiers.selectors import IN_DOSSIER, dossier_for
from emulation.models import AwardRecord, DossierReview, Nomination, NominationStatus
from emulation.nominations.models import MeetingRank
from emulation.review.models import ReviewState
from emulation.review.selectors import nominee_problems, review_checks
from provinces.models import Cluster, StaffProfile
from provinces.organisation.selectors import cluster_members
from tests.dossier_helpers import TOTALS, patch_scoring, seed_demo_year

User = get_user_model()
YEAR = 2023
REVIEW = reverse("review:review", args=[YEAR, "tay-bac"])
LIST = reverse("review:year", args=[YEAR])


class ReviewQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        cls.vca = User.objects.create_user(username="vca-q", password="pw")
        StaffProfile.objects.create(user=cls.vca, national=True)
        DossierReview.objects.create(
            cluster=cls.cluster, year=YEAR, state=ReviewState.UNDER_REVIEW, sent_at=timezone.now()
        )

    def setUp(self):
        patcher = patch_scoring()
        patcher.start()
        self.addCleanup(patcher.stop)
        self.client.force_login(self.vca)
        self.client.get(LIST)  # the session's first save is not the page's

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def keep_nominees(self, count: int) -> None:
        rows = Nomination.objects.filter(cluster=self.cluster, year=YEAR, status__in=IN_DOSSIER)
        keep = list(rows.order_by("pk").values_list("pk", flat=True)[:count])
        rows.exclude(pk__in=keep).update(status=NominationStatus.PROPOSED)
        self.assertEqual(len(dossier_for(self.cluster, YEAR).nominees), count)

    def test_the_review_page_reads_as_many_queries_for_two_nominees_as_for_ten(self):
        self.break_rules()
        ten = self.queries(REVIEW)
        self.keep_nominees(2)
        two = self.queries(REVIEW)
        self.assertEqual(ten, two)
        self.assertLessEqual(ten, 28)  # 48 for ten nominees before the inputs were read once

    def test_the_list_of_dossiers_reads_as_many_queries_for_three_clusters_as_for_one(self):
        one = self.queries(LIST)
        for slug in ("dong-bac-q", "tay-nguyen-q"):
            cluster = Cluster.objects.create(slug=slug, name=slug, from_year=2020)
            DossierReview.objects.create(cluster=cluster, year=YEAR, sent_at=timezone.now())
        response = self.client.get(LIST)
        self.assertContains(response, "tay-nguyen-q")
        self.assertEqual(self.queries(LIST), one)

    def break_rules(self) -> list[str]:
        """Sơn La in the register for 2023, Lai Châu's rank without its reason; a cooperative
        turned down in another cluster that year (which the one-award rule lets be: the
        database keeps two open nominations of a year apart)."""
        nominations = Nomination.objects.filter(cluster=self.cluster, year=YEAR)
        sonla = nominations.get(nominee_alliance__code="12")
        AwardRecord.objects.create(
            alliance=sonla.nominee_alliance,
            year=YEAR,
            award="Bằng khen của UBND tỉnh",
            decision_number="9/QĐ-UBND",
            decision_date=datetime.date(2024, 1, 5),
            issuer="UBND tỉnh Sơn La",
        )
        cooperative = nominations.filter(nominee_cooperative__isnull=False).first()
        other = Cluster.objects.create(slug="other-q", name="Cụm khác", from_year=2020)
        Nomination.objects.create(
            cluster=other,
            year=YEAR,
            award_type=cooperative.award_type,
            nominee_cooperative=cooperative.nominee_cooperative,
            status=NominationStatus.NOT_GRANTED,
            not_granted_reason="Không đạt",
        )
        ranked = sorted(TOTALS, key=lambda code: -float(TOTALS[code]))
        for member in cluster_members(self.cluster, YEAR):
            MeetingRank.objects.get_or_create(
                cluster=self.cluster,
                year=YEAR,
                province=member,
                defaults={"rank": ranked.index(member.code) + 1},
            )
        nominations.filter(nominee_alliance__isnull=False).update(rank_reason="")
        return sonla.nominee_name, cooperative.nominee_name

    def test_the_checks_read_at_once_say_what_each_rule_says_alone(self):
        sonla, cooperative = self.break_rules()
        dossier = dossier_for(self.cluster, YEAR)
        checks = review_checks(dossier)
        found = {check.nominee.name: check.problems for check in checks.nominees}
        for nominee in dossier.nominees:
            alone = nominee_problems(dossier, nominee)  # each rule reads its own inputs
            quota = [p for p in found[nominee.name] if p.startswith("Vượt chỉ tiêu")]
            self.assertEqual(found[nominee.name], alone + quota, nominee.name)
        problems = " ".join(p for ps in found.values() for p in ps)
        self.assertIn("9/QĐ-UBND", problems)  # the register
        self.assertIn("ghi lý do đề nghị", problems)  # the rank's reason
        self.assertNotIn("Cụm khác", problems)
        self.assertTrue(found[sonla])
        self.assertFalse(any("không khen thưởng nhiều lần" in p for p in found[cooperative]))
