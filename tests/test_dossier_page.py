"""The chair's dossier page and its download: persona matrix, the refusal with the list
of what is missing, the zip, and a query count that does not grow with the nominees."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emulation.models import Nomination
from tests.dossier_helpers import patch_scoring, seed_demo_year

User = get_user_model()
PAGE = reverse("dossiers:page", args=["tay-bac", 2023])
DOWNLOAD = reverse("dossiers:download", args=["tay-bac", 2023])


@pytest.mark.usefixtures("pdf_memo")  # the dossier's PDFs once per process (tests/pdf_memo.py)
class DossierPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_demo_year()
        cls.users = {
            name: User.objects.get(username=name)
            for name in ("laichau", "sonla", "phutho", "caobang", "admin", "vca")
        }

    def as_user(self, name):
        self.client.force_login(self.users[name])

    def test_it_requires_login(self):
        for url in (PAGE, DOWNLOAD):
            self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_it_is_hidden_outside_the_cluster_and_refused_to_members(self):
        self.as_user("caobang")
        self.assertEqual(self.client.get(PAGE).status_code, 404)
        self.assertEqual(self.client.get(DOWNLOAD).status_code, 404)
        # another province; the nominee's own province; national staff (they read every
        # cluster's approved records; the dossier is the chair's to build)
        for name in ("sonla", "laichau", "vca"):
            self.as_user(name)
            self.assertEqual(self.client.get(PAGE).status_code, 403)
            self.assertEqual(self.client.get(DOWNLOAD).status_code, 403)

    def test_the_chair_and_admins_see_what_is_complete(self):
        for name in ("phutho", "admin"):
            self.as_user(name)
            with patch_scoring():
                response = self.client.get(PAGE)
            self.assertContains(response, 'data-testid="complete"')
            self.assertContains(response, "To-trinh-Cum-Tay-Bac-2023")
            self.assertContains(response, 'data-testid="download"')

    def test_the_download_is_refused_with_the_list_of_what_is_missing(self):
        Nomination.objects.filter(
            nominee_cooperative__name="HTX NN Hảo Anh"
        ).get().achievement_report.delete()
        self.as_user("phutho")
        with patch_scoring(lambda cluster, year: None):
            response = self.client.get(DOWNLOAD)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Chưa thể tải hồ sơ", status_code=409)
        self.assertContains(response, "Chưa có bảng chấm điểm thi đua năm 2023.", status_code=409)
        self.assertContains(
            response, "HTX NN Hảo Anh (tỉnh Lào Cai): chưa có báo cáo thành tích.", status_code=409
        )
        self.assertContains(
            response,
            reverse(
                "dossiers:report",
                args=[Nomination.objects.get(nominee_cooperative__name="HTX NN Hảo Anh").pk],
            ),
            status_code=409,
        )
        self.assertNotContains(response, 'data-testid="download"', status_code=409)

    def test_the_chair_downloads_the_zip(self):
        self.as_user("phutho")
        with patch_scoring():
            response = self.client.get(DOWNLOAD)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("Ho-so-khen-thuong-Cum-Tay-Bac-2023.zip", response["Content-Disposition"])
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        self.assertEqual(len(names), 2 * (3 + 10))
        self.assertIn("To-trinh-Cum-Tay-Bac-2023.pdf", names)

    def test_queries_do_not_grow_with_the_nominees(self):
        self.as_user("phutho")

        def count() -> int:
            with patch_scoring(), CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(PAGE).status_code, 200)
            return len(queries)

        count()  # the session's first view stamps it (SessionRefreshMiddleware); not counted
        ten = count()
        Nomination.objects.filter(nominee_alliance__isnull=True).exclude(
            nominee_cooperative__name="HTX NN Hảo Anh"
        ).delete()
        self.assertEqual(Nomination.objects.filter(year=2023).count(), 3)
        self.assertEqual(count(), ten)
