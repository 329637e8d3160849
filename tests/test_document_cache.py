"""Generated documents kept under a stamp of what they are made of
(cluster_portal/documents.py): a repeat download is served from the cache with ETag and
Last-Modified, a revalidation gets 304, every change that alters a document gives it a
new stamp, and the read rule still decides who gets what. The renderers are replaced by
counting fakes that show what the reader's data holds; the real files are tested in
test_report.py, test_scoring_outputs.py and test_dossier_page.py."""

import datetime
import itertools
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cluster_portal.documents import code_version, data_stamp
from emulation.conference.models import Conference
from emulation.dossiers.sources import dossier_sources
from emulation.models import AchievementReport, AwardType, ReportSettings
from emulation.nominations.models import Nomination
from emulation.reports.sources import report_sources
from emulation.scoring.sources import scoring_sources
from provinces.figures.services import figures_approve
from provinces.models import Disbursement, FiguresStatus, YearlyFigures
from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm
from provinces.organisation.selectors import province_for_code
from tests import test_report
from tests.dossier_helpers import patch_scoring, seed_demo_year
from tests.factories import admin_renames_an_award, make_disbursement, make_figures
from tests.scoring_helpers import build_agreement, self_score

pytestmark = pytest.mark.django_db
known_year, tay_bac = test_report.known_year, test_report.tay_bac  # the report's fixtures

REPORT = {kind: reverse(f"reports:{kind}", args=["tay-bac", 2023]) for kind in ("pdf", "xlsx")}
SUMMARY = reverse("scoring:pdf", args=["tay-bac", 2023])
DOSSIER = reverse("dossiers:download", args=["tay-bac", 2023])


class Renders:
    """A fake renderer: each call a new body naming what the reader's report holds."""

    def __init__(self):
        self.count = itertools.count(1)
        self.calls = 0

    def report(self, report):
        self.calls += 1
        seen = [
            (line.province.code, line.figures is not None, bool(line.previous))
            for line in report.lines
        ]
        return f"{next(self.count)} {seen}".encode()

    def any(self, *_args):
        self.calls += 1
        return f"{next(self.count)}".encode()


@pytest.fixture
def renders():
    fake = Renders()
    with (
        mock.patch("emulation.reports.views.render_report_pdf", fake.report),
        mock.patch("emulation.reports.views.render_report_xlsx", fake.report),
        mock.patch("emulation.scoring.views.render_summary_pdf", fake.any),
        mock.patch("emulation.dossiers.views.dossier_zip", fake.any),
    ):
        yield fake


@pytest.fixture
def chair(make_staff):
    return make_staff("Phú Thọ", 2023)


def get(client, user, url, **headers):
    client.force_login(user)
    return client.get(url, headers=headers)


def test_a_repeat_download_is_served_from_the_cache(client, chair, known_year, renders):
    first = get(client, chair, REPORT["pdf"])
    again = get(client, chair, REPORT["pdf"])
    assert first.status_code == again.status_code == 200
    assert renders.calls == 1 and again.content == first.content
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == "private, no-cache"
    assert "bao-cao-tay-bac-2023.pdf" in again["Content-Disposition"]


def test_a_revalidation_gets_304(client, chair, known_year, renders):
    first = get(client, chair, REPORT["pdf"])
    same = get(client, chair, REPORT["pdf"], if_none_match=first["ETag"])
    assert same.status_code == 304 and same.content == b""
    since = get(client, chair, REPORT["pdf"], if_modified_since=first["Last-Modified"])
    assert since.status_code == 304
    other = get(client, chair, REPORT["pdf"], if_none_match='"not-this-one"')
    assert other.status_code == 200 and other.content == first.content
    assert renders.calls == 1


def test_the_process_keeps_what_it_served_while_the_cache_holds_it(
    client, chair, known_year, renders
):
    from django.core.cache import caches

    first = get(client, chair, REPORT["pdf"])
    with mock.patch.object(type(caches["documents"]), "get", side_effect=AssertionError):
        again = get(client, chair, REPORT["pdf"])  # no read of the cache's entry
    assert again.content == first.content and renders.calls == 1
    caches["documents"].clear()  # expired, culled or cleared: made again, as before
    made = get(client, chair, REPORT["pdf"])
    assert made.status_code == 200 and renders.calls == 2


def edit_a_figure():
    record = YearlyFigures.objects.get(province__code="14", year=2023)
    record.htx_new += 1
    record.save()


def change_the_settings():
    ReportSettings.objects.create(cluster_id=tay_bac_pk(), year=2023, number=7)


def tay_bac_pk():
    from provinces.models import Cluster

    return Cluster.objects.get(slug="tay-bac").pk


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
@pytest.mark.parametrize("change", [edit_a_figure, change_the_settings, admin_renames_an_award])
def test_a_change_to_the_report_gives_a_new_stamp(client, chair, known_year, renders, kind, change):
    before = get(client, chair, REPORT[kind])
    change()
    after = get(client, chair, REPORT[kind], if_none_match=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert renders.calls == 2


def test_an_approval_gives_a_new_stamp(client, chair, tay_bac, renders):
    # The last record another member's (four eyes: the chair approves no record of its own).
    for code in ("10", "11", "12", "14", "15", "25"):
        make_figures(code, 2023, status=FiguresStatus.APPROVED)
    last = make_figures("17", 2023, status=FiguresStatus.SUBMITTED)
    before = get(client, chair, REPORT["pdf"])
    figures_approve(figures=last, seen_version=last.version, by=chair)
    after = get(client, chair, REPORT["pdf"])
    assert after["ETag"] != before["ETag"] and renders.calls == 2


def test_a_new_day_or_new_code_gives_a_new_stamp(client, chair, known_year, renders):
    before = get(client, chair, REPORT["pdf"])
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2031, 1, 1)):
        assert get(client, chair, REPORT["pdf"])["ETag"] != before["ETag"]
    with mock.patch("cluster_portal.documents.code_version", return_value="another release"):
        assert get(client, chair, REPORT["pdf"])["ETag"] != before["ETag"]
    assert renders.calls == 3


def test_the_code_version_is_read_once():
    assert code_version() == code_version() and len(code_version()) == 64


# The report's stamp, per input: what the report reads changes it, the same kind of record
# in another cluster or year does not.


def report_stamp():
    return data_stamp(report_sources("tay-bac", 2023))


def a_disbursement(code="14", year=2023):
    return Disbursement.objects.filter(province__code=code, date__year=year).first()


def redate(disbursement, day):
    disbursement.date = datetime.date.fromisoformat(day)
    disbursement.save()


def rename(code, year=2023):
    province = province_for_code(code, year)
    province.name += " (mới)"
    province.save()


def conference(year):
    host = province_for_code("25", year)
    Conference.objects.create(
        cluster_id=tay_bac_pk(),
        year=year,
        ordinal="XII",
        date=f"{year}-12-01",
        venue="Việt Trì",
        host=host,
    )


def nominate(slug):
    cluster = Cluster.objects.get(slug=slug)
    award = AwardType.objects.first() or AwardType.objects.create(code="bk", name="Bằng khen")
    alliance = cluster.memberships.in_year(2023).first().province
    Nomination.objects.create(
        cluster=cluster, year=2023, award_type=award, nominee_alliance=alliance
    )


def vice_of_2023(slug):
    term = ClusterTerm.objects.get(cluster__slug=slug, year=2023)
    term.vice = next(
        m.province
        for m in term.cluster.memberships.in_year(2023).select_related("province")
        if m.province_id not in (term.head_id, term.vice_id)
    )
    term.save()


def leave(code, **years):
    membership = ClusterMembership.objects.get(cluster__slug="tay-bac", province__code=code)
    for field, value in years.items():
        setattr(membership, field, value)
    membership.save()


@pytest.fixture
def dong_bac(known_year):
    """Another cluster in 2023, with Cao Bằng (04) in it."""
    cluster = Cluster.objects.create(slug="dong-bac", name="Cụm Đông Bắc", from_year=2020)
    ClusterMembership.objects.create(
        cluster=cluster, province=province_for_code("04", 2023), from_year=2023, to_year=2024
    )
    return cluster


CHANGES = {
    "a member's figures": edit_a_figure,
    "a member's figures of last year": lambda: make_figures("10", 2022),
    "a new disbursement": lambda: make_disbursement("14", "2023-05-01", "10"),
    "a deleted disbursement": lambda: a_disbursement().delete(),
    "a disbursement moved to another year": lambda: redate(a_disbursement(), "2024-01-05"),
    "a member renamed": lambda: rename("14"),
    "the term's vice-head": lambda: vice_of_2023("tay-bac"),
    "a membership ended": lambda: leave("14", from_year=2024),
    "the conference": lambda: conference(2023),
    "a nomination": lambda: nominate("tay-bac"),
    "the report's settings": change_the_settings,
    "an award type (the admin's log)": admin_renames_an_award,
}
ELSEWHERE = {
    "figures of another cluster": lambda: make_figures("04", 2023),
    "a member's figures of another year": lambda: make_figures("14", 2021),
    "a disbursement in another cluster": lambda: make_disbursement("04", "2023-05-01", "10"),
    "a member's disbursement of another year": lambda: make_disbursement("14", "2024-05-01", "10"),
    "a province of another cluster renamed": lambda: rename("04"),
    "the conference of another year": lambda: conference(2022),
    "the settings of another year": lambda: ReportSettings.objects.create(
        cluster_id=tay_bac_pk(), year=2022, number=3
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_what_the_report_reads_changes_its_stamp(known_year, change):
    before = report_stamp()
    assert report_stamp() == before
    change()
    assert report_stamp() != before


@pytest.mark.parametrize("change", ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_a_change_elsewhere_leaves_the_report_stamp(dong_bac, change):
    before = report_stamp()
    change()
    assert report_stamp() == before


def test_the_summary_and_the_dossier_follow_their_own_cluster_year(dong_bac):
    def stamps():
        return [
            data_stamp(sources("tay-bac", 2023)) for sources in (scoring_sources, dossier_sources)
        ]

    before = stamps()
    make_figures("04", 2023)
    make_disbursement("04", "2023-05-01", "10")
    make_figures("14", 2021)
    assert stamps() == before
    make_disbursement("14", "2023-06-01", "5")
    after = stamps()
    assert after[0] != before[0] and after[1] != before[1]


def test_a_change_in_another_cluster_keeps_the_cached_report(client, chair, dong_bac, renders):
    first = get(client, chair, REPORT["pdf"])
    make_figures("04", 2023, status=FiguresStatus.APPROVED)
    make_disbursement("04", "2023-05-01", "10")
    assert get(client, chair, REPORT["pdf"], if_none_match=first["ETag"]).status_code == 304
    assert renders.calls == 1


def test_a_hit_reads_a_few_rows_and_builds_nothing(
    client, chair, known_year, renders, django_assert_max_num_queries
):
    get(client, chair, REPORT["pdf"])
    with (
        mock.patch("emulation.reports.views.cluster_report") as report,
        django_assert_max_num_queries(8),  # session, user, cluster-year, access, stamp
    ):
        assert client.get(REPORT["pdf"]).status_code == 200
    assert not report.called


def test_a_score_change_gives_the_summary_a_new_stamp(client, chair, renders):
    build_agreement(targets={"25": Decimal(40), "14": Decimal(60)})
    self_score("25", {"II.1": 30}, submit=False)
    before = get(client, chair, SUMMARY)
    assert get(client, chair, SUMMARY, if_none_match=before["ETag"]).status_code == 304
    self_score("25", {"II.1": 35}, submit=False)
    after = get(client, chair, SUMMARY, if_none_match=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert renders.calls == 2


def test_an_achievement_report_edit_gives_the_dossier_a_new_stamp(client, renders):
    seed_demo_year()
    chair = get_user_model().objects.get(username="phutho")
    with patch_scoring():
        before = get(client, chair, DOSSIER)
        assert before.status_code == 200 and renders.calls == 1
        assert get(client, chair, DOSSIER).content == before.content
        report = AchievementReport.objects.first()
        report.achievements += " Thêm một thành tích."
        report.save()
        after = get(client, chair, DOSSIER)
    assert after["ETag"] != before["ETag"] and renders.calls == 2


PREVIEW = reverse("reports:preview-pdf", args=["tay-bac", 2023])


class TestTheReadRule:
    """The report is the same for every reader (issue 21); the working preview is the
    chair's and the admins', kept apart from it."""

    def test_a_cached_preview_never_reaches_a_reader_who_may_not_have_it(
        self,
        client,
        chair,
        make_staff,
        tay_bac,
        renders,
    ):
        make_figures("14", 2023, status=FiguresStatus.SUBMITTED)
        cached = get(client, chair, PREVIEW)
        assert cached.status_code == 200
        staff = make_staff("Sơn La", 2023)
        assert get(client, staff, PREVIEW).status_code == 403
        assert get(client, staff, PREVIEW, if_none_match=cached["ETag"]).status_code == 403
        outsider = make_staff("Cao Bằng", 2023)
        assert get(client, outsider, PREVIEW, if_none_match=cached["ETag"]).status_code == 404
        assert get(client, outsider, REPORT["pdf"]).status_code == 404
        assert renders.calls == 1
        report = get(client, staff, REPORT["pdf"])  # the report itself: every member's
        assert report.status_code == 200 and report.content != cached.content
        assert renders.calls == 2

    def test_every_reader_gets_the_same_report_the_preview_is_its_own(
        self, client, admin_user, make_staff, known_year, renders
    ):
        # Lào Cai's 2022 record is submitted: only the preview compares with it.
        make_figures("10", 2022, status=FiguresStatus.SUBMITTED)
        admin = get(client, admin_user, REPORT["pdf"])
        staff = make_staff("Sơn La", 2023)
        own = get(client, staff, REPORT["pdf"])
        assert b"('10', True, False)" in admin.content
        assert admin.content.split(b" ", 1)[1] == own.content.split(b" ", 1)[1]
        preview = get(client, admin_user, PREVIEW)
        assert preview["ETag"] != admin["ETag"]
        assert b"('10', True, True)" in preview.content
        calls = renders.calls
        colleague = make_staff("Sơn La", 2023, username="sonla2")
        assert get(client, colleague, REPORT["pdf"]).content == own.content  # from the cache
        assert get(client, admin_user, REPORT["pdf"]).content == admin.content
        assert renders.calls == calls

    def test_a_chair_who_loses_the_right_is_refused_their_cached_preview(
        self, client, chair, known_year, renders
    ):
        cached = get(client, chair, PREVIEW)
        assert cached.status_code == 200
        term = ClusterTerm.objects.get(cluster__slug="tay-bac", year=2023)
        term.head, term.vice = term.vice, term.head  # Phú Thọ is the vice-head now
        term.save()
        assert get(client, chair, PREVIEW).status_code == 403
        assert get(client, chair, PREVIEW, if_none_match=cached["ETag"]).status_code == 403
        assert get(client, chair, REPORT["pdf"]).status_code == 200
