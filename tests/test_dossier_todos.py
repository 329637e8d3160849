"""The achievement report as a to-do: the nominee's province staff see it until the
report is submitted, due by the cluster-year's achievement-reports deadline; nobody else
does."""

import datetime
from unittest import mock

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from emulation.dossiers.todos import achievement_report_todos
from emulation.models import AchievementReport, Nomination
from provinces.calendar.obligations import snapshot
from provinces.models import Cluster, Deadlines
from tests.dossier_helpers import seed_demo_year

User = get_user_model()


class AchievementReportTodoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.nomination = Nomination.objects.get(year=2023, nominee_alliance__code="12")
        AchievementReport.objects.filter(nomination=cls.nomination).update(status="draft")

    def setUp(self):
        # The to-dos as objects, from the body's context: built on every view (the page
        # cache: test_home_page_cache.py).
        built = mock.patch("emulation.home.views.cached_part", lambda request, *, make, **_: make())
        built.start()
        self.addCleanup(built.stop)

    def todos_of(self, username):
        self.client.force_login(User.objects.get(username=username))
        response = self.client.get(reverse("home"))
        return [t for t in response.context["todos"] if t.kind == "achievement_report"]

    def test_the_nominees_province_sees_its_draft_report(self):
        (todo,) = self.todos_of("laichau")
        self.assertEqual(todo.url, reverse("dossiers:report", args=[self.nomination.pk]))
        self.assertIn("Liên minh HTX tỉnh Lai Châu", todo.title)

    def test_no_other_province_or_the_chair_gets_it(self):
        self.assertEqual(self.todos_of("sonla"), [])
        self.assertEqual(self.todos_of("phutho"), [])

    def test_it_disappears_once_submitted(self):
        AchievementReport.objects.filter(nomination=self.nomination).update(status="submitted")
        self.assertEqual(self.todos_of("laichau"), [])

    def test_the_deadline_makes_it_overdue(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        Deadlines.objects.update_or_create(
            cluster=Cluster.objects.get(slug="tay-bac"),
            year=2023,
            defaults={"achievement_reports_due": yesterday},
        )
        snap = snapshot()
        (todo,) = [t for t in achievement_report_todos(snap) if t.owner.code == "12"]
        self.assertEqual(todo.due, yesterday)
        self.assertTrue(todo.is_overdue(snap.now))
