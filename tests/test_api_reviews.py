"""The review and the decisions through the API (issue 26): who may do what (the pages'
matrix), the round trip (send, return with a reason, send again, accept, decide → the
register and the public page), a stale version refused with 409, and a POST sent again
with its Idempotency-Key writing nothing twice."""

import json
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from emulation.decisions.models import AwardDecision
from emulation.models import AwardRecord, DossierReview, Nomination, NominationStatus
from emulation.review.models import ReviewState
from provinces.models import Cluster, ClusterTerm, Province, StaffProfile
from provinces.organisation.selectors import cluster_members
from tests.api_support import API, bearer, token_for
from tests.dossier_helpers import patch_scoring, seed_demo_year

User = get_user_model()
YEAR = 2023
LIST = f"{API}/years/{YEAR}/reviews"
DETAIL = f"{LIST}/tay-bac"
SEND = f"{API}/clusters/tay-bac/{YEAR}/dossier/send"
DECISIONS = f"{API}/years/{YEAR}/decisions"
PUBLIC = f"/public/awards/{YEAR}/"
PERSONAS = ("anonymous", "other", "own", "chair", "vice", "national", "admin")
REVIEWERS = {"national", "admin"}


class ReviewApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        term = ClusterTerm.objects.get(cluster=cls.cluster, year=YEAR)
        members = {p.pk for p in cluster_members(cls.cluster, YEAR)}
        outside = Province.objects.valid_in(YEAR).exclude(pk__in=members).first()
        other = User.objects.create_user(username="other-api", password="pw")
        StaffProfile.objects.create(user=other, province=outside)
        cls.users = {
            "other": other,
            "own": User.objects.get(username="sonla"),
            "chair": StaffProfile.objects.filter(province=term.head).first().user,
            "vice": StaffProfile.objects.filter(province=term.vice).first().user,
            "national": User.objects.get(username="vca"),
            "admin": User.objects.get(username="admin"),
        }
        cls.tokens = {name: token_for(user) for name, user in cls.users.items()}
        cls.tokens["anonymous"] = None

    def setUp(self):
        patcher = patch_scoring()
        patcher.start()
        self.addCleanup(patcher.stop)

    def call(self, persona: str, method: str, url: str, body=None, **headers):
        headers = {**bearer(self.tokens[persona]), **headers}
        if method == "get":
            return self.client.get(url, headers=headers)
        return self.client.post(
            url, data=json.dumps(body or {}), content_type="application/json", headers=headers
        )

    def statuses(self, method: str, url: str, body=None) -> dict[str, int]:
        return {p: self.call(p, method, url, body).status_code for p in PERSONAS}

    def test_who_reads_the_dossiers_and_their_review(self):
        expected = {p: 200 if p in REVIEWERS else 403 for p in PERSONAS} | {"anonymous": 401}
        self.assertEqual(self.statuses("get", LIST), expected)
        self.assertEqual(self.statuses("get", DETAIL), expected)
        everyone = dict.fromkeys(PERSONAS, 200) | {"anonymous": 401}
        self.assertEqual(self.statuses("get", DECISIONS), everyone)
        self.assertEqual(self.call("national", "get", f"{LIST}/no-such").status_code, 404)

    def test_who_moves_a_review_on_sends_and_decides(self):
        refused = dict.fromkeys(PERSONAS, 403) | {"anonymous": 401}
        for step in ("take", "return", "accept"):
            found = self.statuses("post", f"{DETAIL}/{step}", {"version": 1, "reason": "x"})
            # Nothing sent yet: the reviewers are told the state does not allow it.
            self.assertEqual(found, refused | dict.fromkeys(REVIEWERS, 409), step)
        # Another province's staff do not see the cluster-year (404); a stale version
        # stops the chair and the admin before anything is written.
        found = self.statuses("post", SEND, {"version": 5})
        self.assertEqual(found, refused | {"other": 404, "chair": 409, "admin": 409})
        decision = {
            "award_type": "certificate-of-merit",
            "number": "1/QĐ-LMHTXVN",
            "date": "2024-01-15",
            "signer_name": "Nguyễn Văn A",
            "nominations": [10**9],
        }
        found = self.statuses("post", DECISIONS, decision)
        self.assertEqual(found, refused | dict.fromkeys(REVIEWERS, 422))
        self.assertFalse(DossierReview.objects.exists())
        self.assertFalse(AwardDecision.objects.exists())

    def step(self, persona: str, url: str, version: int, status: int = 200, **body) -> dict:
        response = self.call(persona, "post", url, body, **{"If-Match": f'"{version}"'})
        self.assertEqual(response.status_code, status, response.content)
        return response.json()

    def test_the_round_trip_to_the_register_and_the_public_page(self):
        sent = self.step("chair", SEND, 0)
        self.assertEqual((sent["state"], sent["version"]), ("sent", 1))
        taken = self.step("national", f"{DETAIL}/take", 1)
        returned = self.step("national", f"{DETAIL}/return", taken["version"], reason="Thiếu ký")
        self.assertEqual((returned["state"], returned["reason"]), ("returned", "Thiếu ký"))
        again = self.step("chair", SEND, returned["version"], note="Đã bổ sung chữ ký")
        self.assertEqual((again["state"], again["rounds"]), ("sent", 2))
        taken = self.step("national", f"{DETAIL}/take", again["version"])
        detail = self.call("national", "get", DETAIL).json()
        self.assertTrue(detail["complete"])
        self.assertEqual(len(detail["nominees"]), 10)
        self.assertTrue(all(check["ok"] for check in detail["nominees"]))
        accepted = self.step("national", f"{DETAIL}/accept", taken["version"])
        self.assertEqual(accepted["state"], "accepted")
        page = self.call("national", "get", f"{LIST}?state=accepted&cluster=tay-bac").json()
        self.assertEqual([item["state"] for item in page["items"]], ["accepted"])
        history = DossierReview.objects.get().history.values_list("history_change_reason")
        self.assertTrue(all(reason.startswith("API: ") for (reason,) in history))
        by_award = defaultdict(list)
        for check in detail["nominees"]:
            by_award[check["award_type"]].append(check["nomination"])
        for number, (award, ids) in enumerate(sorted(by_award.items()), start=1):
            body = {
                "award_type": award,
                "number": f"{number}/QĐ-LMHTXVN",
                "date": "2024-01-15",
                "signer_name": "Nguyễn Văn A",
                "nominations": ids,
            }
            decided = self.call("national", "post", DECISIONS, body)
            self.assertEqual(decided.status_code, 201, decided.content)
            self.assertEqual(len(decided.json()["awardees"]), len(ids))
        self.assertEqual(
            AwardRecord.objects.filter(year=YEAR, decision_number__endswith="LMHTXVN").count(), 10
        )
        public = self.client.get(PUBLIC)
        self.assertContains(public, "1/QĐ-LMHTXVN")
        listed = self.call("own", "get", DECISIONS).json()
        self.assertEqual(sum(len(d["awardees"]) for d in listed), 10)
        for decision in listed:
            for awardee in decision["awardees"]:
                self.assertContains(public, awardee["nominee"])
        again = self.call("national", "post", DECISIONS, body)
        self.assertEqual(again.status_code, 409)  # that number and date are recorded

    def test_a_stale_version_is_a_conflict_and_changes_nothing(self):
        self.step("chair", SEND, 0)
        problem = self.step("national", f"{DETAIL}/take", 7, status=409)
        self.assertEqual(problem["code"], "stale_version")
        problem = self.call("national", "post", f"{DETAIL}/take", {}).json()  # no version
        self.assertEqual(problem["code"], "stale_version")
        self.assertEqual(DossierReview.objects.get().state, ReviewState.SENT)
        problem = self.step("national", f"{DETAIL}/accept", 1, status=409)
        self.assertEqual(problem["code"], "state_conflict")

    def test_a_post_sent_again_with_its_key_writes_nothing_twice(self):
        key = {"Idempotency-Key": "send-2023-tay-bac"}
        first = self.call("chair", "post", SEND, {"version": 0}, **key)
        again = self.call("chair", "post", SEND, {"version": 0}, **key)
        self.assertEqual((first.status_code, again.status_code), (200, 200))
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(first.json(), again.json())
        review = DossierReview.objects.get()
        self.assertEqual((review.version, review.history.count()), (1, 1))
        self.step("national", f"{DETAIL}/take", 1)
        self.step("national", f"{DETAIL}/accept", 2)
        check = self.call("national", "get", DETAIL).json()["nominees"][0]
        body = {
            "award_type": check["award_type"],
            "number": "7/QĐ-LMHTXVN",
            "date": "2024-01-15",
            "signer_name": "Nguyễn Văn A",
            "nominations": [check["nomination"]],
        }
        key = {"Idempotency-Key": "decision-7"}
        first = self.call("national", "post", DECISIONS, body, **key)
        again = self.call("national", "post", DECISIONS, body, **key)
        self.assertEqual((first.status_code, again.status_code), (201, 201))
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(AwardDecision.objects.count(), 1)

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.call("national", "get", url)
        self.assertEqual(response.status_code, 200, response.content)
        return len(queries)

    def test_the_list_and_a_review_read_a_fixed_number_of_queries(self):
        self.step("chair", SEND, 0)
        self.call("national", "get", f"{LIST}?first")  # the token's first use is noted once
        one = self.queries(f"{LIST}?limit=10")
        for slug in ("dong-bac-api", "tay-nguyen-api"):
            cluster = Cluster.objects.create(slug=slug, name=slug, from_year=2020)
            DossierReview.objects.create(cluster=cluster, year=YEAR, sent_at=timezone.now())
        self.assertEqual(self.queries(f"{LIST}?limit=20"), one)
        ten = self.queries(f"{DETAIL}?ten")
        rows = Nomination.objects.filter(cluster=self.cluster, year=YEAR)
        keep = list(rows.order_by("pk").values_list("pk", flat=True)[:2])
        rows.exclude(pk__in=keep).update(status=NominationStatus.PROPOSED)
        detail = self.call("national", "get", f"{DETAIL}?count").json()
        self.assertEqual(len(detail["nominees"]), 2)
        self.assertEqual(self.queries(f"{DETAIL}?two"), ten)
