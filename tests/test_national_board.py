"""The national board of a year (issue 26): every cluster side by side, the nation's totals
counting each unit once as of the year, the comparison across the 2025 merger, its access,
its fixed queries, and its Excel and PDF holding the page's numbers."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from emulation.models import Criterion, Nomination, Score, ScoreSheet, ScoringAgreement
from emulation.national.render import render_board_pdf, render_board_xlsx
from emulation.national.selectors import national_board
from emulation.nominations.models import AwardType
from emulation.reports.selectors import cluster_report
from emulation.review.models import DossierReview, ReviewState
from provinces.figures.aggregation import combine
from provinces.figures.models import FiguresStatus
from provinces.models import Cluster, ClusterMembership, ClusterTerm, Province
from tests.api_support import API, bearer, token_for
from tests.factories import make_figures

pytestmark = pytest.mark.django_db
YEAR = 2025
APPROVED = FiguresStatus.APPROVED


def unit(code: str, year: int = YEAR) -> Province:
    return Province.objects.valid_in(year).get(code=code)


def _clear_year() -> None:
    """The reference cluster of 2025 lists every northern province: the tests build their own."""
    ClusterTerm.objects.filter(year__gte=YEAR).delete()
    ClusterMembership.objects.filter(to_year__isnull=True).delete()


def _cluster(slug: str, *provinces: Province) -> Cluster:
    cluster = Cluster.objects.create(slug=slug, name=f"Cụm thi đua {slug}", from_year=YEAR)
    for province in provinces:
        # Rows written around the form (which allows one cluster a year per province): the
        # board must count a unit once whatever the memberships say.
        ClusterMembership.objects.create(cluster=cluster, province=province, from_year=YEAR)
    return cluster


def _figures(code: str, seed: int, year: int = YEAR, status: str = APPROVED):
    """Figures that differ per province, so that a sum counting one twice shows."""
    return make_figures(
        code,
        year,
        status,
        tht_new=10 + seed,
        tht_total=100 * seed + 7,
        tht_members=1000 * seed + 70,
        tht_agri=50 * seed,
        tht_avg_revenue=Decimal(200 + seed),
        htx_new=seed,
        htx_total=40 * seed + 3,
        htx_members=2000 * seed,
        htx_avg_revenue=Decimal(1000 + 37 * seed),
        htx_workers=900 * seed + 11,
        htx_avg_income=Decimal(40 + seed),
    )


@pytest.fixture
def three_clusters():
    """Cụm a: the merged Lào Cai (Lào Cai + Yên Bái, 1 July 2025) and Sơn La; cụm b: Điện
    Biên, Lai Châu and a stale row naming the closed Yên Bái (it counts as Lào Cai); cụm c:
    Cao Bằng, Lạng Sơn and Sơn La again. 2024: the predecessors' approved figures."""
    _clear_year()
    a = _cluster("a", unit("15"), unit("14"))
    b = _cluster("b", unit("11"), unit("12"), unit("15", 2024))
    c = _cluster("c", unit("04"), unit("20"), unit("14"))
    for seed, code in enumerate(["15", "14", "11", "12", "04", "20"], start=1):
        _figures(code, seed)
    _figures("10", 3, 2024)  # the old Lào Cai
    _figures("15", 4, 2024)  # Yên Bái
    _figures("14", 2, 2024)
    _figures("11", 1, 2024, FiguresStatus.SUBMITTED)  # not approved: not compared
    award = AwardType.objects.order_by("order").first()
    Nomination.objects.create(
        cluster=a, year=YEAR, award_type=award, nominee_alliance=unit("15"), status="endorsed",
        votes_for=2, votes_present=2,
    )  # fmt: skip
    return a, b, c


def test_the_nation_counts_each_unit_once_as_it_stood_at_the_end_of_the_year(three_clusters):
    board = national_board(YEAR)
    names = sorted(line.province.name for line in board.lines)
    assert names == ["Cao Bằng", "Lai Châu", "Lào Cai", "Lạng Sơn", "Sơn La", "Điện Biên"]
    lao_cai = next(line for line in board.lines if line.province.code == "15")
    assert [c.slug for c in lao_cai.clusters] == ["a", "b"]  # Yên Bái's stale row is Lào Cai
    son_la = next(line for line in board.lines if line.province.code == "14")
    assert [c.slug for c in son_la.clusters] == ["a", "c"]
    six = [line.values for line in board.lines]
    assert board.totals["tht_total"] == sum(v["tht_total"] for v in six) == 2142
    assert board.totals == combine(six)
    # The clusters' sum counts Sơn La twice: the nation does not.
    clusters_sum = sum(item.report.totals["tht_total"] for item in board.clusters)
    assert clusters_sum == board.totals["tht_total"] + son_la.values["tht_total"]


def test_each_cluster_on_the_board_is_its_annual_report(three_clusters):
    board = national_board(YEAR)
    assert [item.cluster.slug for item in board.clusters] == ["a", "b", "c"]
    for item in board.clusters:
        report = cluster_report(cluster=item.cluster, year=YEAR)
        assert item.report.members == report.members
        assert item.report.totals == report.totals
        assert item.report.compared_totals == report.compared_totals
        assert item.report.previous_totals == report.previous_totals
        assert item.report.approved_count == report.approved_count
        assert item.report.disbursements.cluster_all == report.disbursements.cluster_all


def test_without_overlap_the_nation_is_the_sum_of_the_cluster_reports():
    _clear_year()
    clusters = [
        _cluster("a", unit("15"), unit("14")),
        _cluster("b", unit("11"), unit("12")),
        _cluster("c", unit("04"), unit("20"), unit("08")),
    ]
    for seed, code in enumerate(["15", "14", "11", "12", "04", "20", "08"], start=1):
        _figures(code, seed, status=FiguresStatus.SUBMITTED if code == "08" else APPROVED)
    board = national_board(YEAR)
    reports = [cluster_report(cluster=c, year=YEAR) for c in clusters]
    for code in ("tht_new", "tht_total", "htx_total", "htx_workers", "training_courses"):
        assert board.totals[code] == sum(r.totals[code] for r in reports)
    for code, weight in (("htx_avg_revenue", "htx_total"), ("htx_avg_income", "htx_workers")):
        weighted = sum(r.totals[code] * r.totals[weight] for r in reports)
        expected = weighted / sum(r.totals[weight] for r in reports)
        assert round(board.totals[code], 12) == round(expected, 12)
    assert board.entered_count == 6 and board.member_count == 7  # Tuyên Quang not approved


def test_the_comparison_with_2024_adds_up_the_merged_units_predecessors(three_clusters):
    board = national_board(YEAR)
    lao_cai = next(line for line in board.lines if line.province.code == "15")
    assert lao_cai.merged and [u.name for u in lao_cai.comparison.units] == ["Lào Cai", "Yên Bái"]
    assert lao_cai.previous["tht_total"] == 307 + 407
    # Like with like: Lào Cai and Sơn La have approved figures of both years; Điện Biên's
    # 2024 record is only submitted, and the others have none.
    assert board.compared_count == 2 and board.previous_partial
    tht_total = next(c for c in board.comparisons if c.indicator.code == "tht_total")
    assert tht_total.previous == 307 + 407 + 207
    assert tht_total.current == 107 + 207


def _scored(cluster: Cluster, members: list[Province]) -> None:
    """A recorded scoring meeting: one judged criterion, members scored 90, 80, 70…"""
    agreement = ScoringAgreement.objects.create(
        cluster=cluster,
        year=YEAR,
        status="signed",
        signed_on="2024-12-08",
        meeting_date="2025-11-30",
        locked=True,
    )
    group = Criterion.objects.create(
        agreement=agreement, number="I", title="Nhóm I", kind="group", max_points=100
    )
    leaf = Criterion.objects.create(
        agreement=agreement, parent=group, number="1", title="Tiêu chí", kind="judged",
        max_points=100, order=1,
    )  # fmt: skip
    for index, member in enumerate(members):
        sheet = ScoreSheet.objects.create(agreement=agreement, province=member, status="submitted")
        Score.objects.create(sheet=sheet, criterion=leaf, self_points=90 - 10 * index)


def _clusters_of(count: int) -> None:
    _clear_year()
    codes = ["04", "08", "11", "12", "14", "15", "20", "25"]
    award = AwardType.objects.order_by("order").first()
    for index in range(count):
        members = [unit(codes[(index + k) % len(codes)]) for k in range(3)]
        cluster = _cluster(f"cum-{index}", *members)
        _scored(cluster, members)
        Nomination.objects.create(
            cluster=cluster, year=YEAR, award_type=award, nominee_alliance=members[0]
        )
        DossierReview.objects.create(
            cluster=cluster,
            year=YEAR,
            state=ReviewState.RETURNED,
            reason="Thiếu chữ ký",
            rounds=2,
            sent_at=timezone.now(),
        )
    for seed, code in enumerate(codes, start=1):
        _figures(code, seed)


@pytest.mark.parametrize("count", [1, 6])
def test_the_board_reads_in_a_fixed_number_of_queries(count, django_assert_num_queries):
    _clusters_of(count)
    # memberships, terms, figures, the merged units and their 2024 figures, disbursements
    # (2), deadlines, nominations, the dossiers' reviews, agreements with criteria, targets,
    # sheets and scores
    with django_assert_num_queries(15):
        board = national_board(YEAR)
    assert len(board.clusters) == count
    first = board.clusters[0]
    assert [s.total for s in first.standings] == [90, 80, 70]
    assert first.leader.name == "Cao Bằng"  # scored 90, ranked first
    assert first.score_range == (70, 80, 90)
    assert len(first.nominations) == 1
    assert first.review.state == ReviewState.RETURNED and first.review.rounds == 2


def test_only_national_staff_and_admins_open_the_board(
    client, make_staff, make_national, admin_user, three_clusters
):
    url = reverse("national:board", args=[YEAR])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_staff("Sơn La", YEAR))
    for path in (url, url + "pdf/", url + "xlsx/"):
        assert client.get(path).status_code == 403
    for user in (make_national(), admin_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert 'data-testid="national-tht_total">2.142<' in response.content.decode()
    download = client.get(url + "xlsx/")
    assert download.status_code == 200
    assert 'filename="bang-tong-hop-toan-quoc-2025.xlsx"' in download["Content-Disposition"]


def award_name() -> str:
    return AwardType.objects.order_by("order").first().name


def _page_numbers(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="national-([\w-]+)">([^<]*)<', html))


def test_the_excel_file_and_the_pdf_hold_the_pages_numbers(client, admin_user, three_clusters):
    client.force_login(admin_user)
    html = client.get(reverse("national:board", args=[YEAR])).content.decode()
    assert 'data-testid="nominations-a"' in html and "Liên minh HTX tỉnh Lào Cai" in html
    page = _page_numbers(html)
    assert page["tht_total"] == "2.142" and page["htx_avg_revenue"]
    board = national_board(YEAR)
    workbook = load_workbook(io.BytesIO(render_board_xlsx(board)))
    summary = workbook["Tổng hợp"]
    header = [cell.value for cell in summary[4]]
    national = header.index("Toàn quốc")
    rows = {row[0].value: row for row in summary.iter_rows(min_row=5)}
    total = rows["Tổng số THT (cuối năm)"][national]
    assert total.value == 2142 and isinstance(total.value, int)
    assert rows["Doanh thu bình quân của HTX"][national].value == round(
        float(board.totals["htx_avg_revenue"])
    )
    nominations = [[c.value for c in row] for row in workbook["Đề nghị khen thưởng"].iter_rows()]
    assert nominations[1][:6] == ["Cụm thi đua a", award_name(), "Liên minh HTX tỉnh Lào Cai", 2, 2,
                                  "Hội nghị thống nhất đề nghị"]  # fmt: skip
    provinces = workbook["Theo tỉnh"]
    assert provinces.max_row == 1 + len(board.lines) + 1  # header, six units, the nation
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_board_pdf(board))).pages)
    for code in ("tht_total", "htx_total", "htx_avg_revenue", "loans-count"):
        assert page[code] in text


def test_a_name_that_starts_like_a_formula_stays_text(admin_user, three_clusters):
    Cluster.objects.filter(slug="a").update(name="=HYPERLINK(1)")
    workbook = load_workbook(io.BytesIO(render_board_xlsx(national_board(YEAR))))
    names = [row[0].value for row in workbook["Các cụm"].iter_rows(min_row=2)]
    assert "'=HYPERLINK(1)" in names


def test_the_command_writes_the_board_and_refuses_a_year_without_clusters(tmp_path, three_clusters):
    out = tmp_path / "board.xlsx"
    call_command("national_board", "--year", str(YEAR), "--format", "xlsx", "-o", str(out))
    assert load_workbook(out).sheetnames == [
        "Tổng hợp",
        "Các cụm",
        "Theo tỉnh",
        "Đề nghị khen thưởng",
    ]
    with pytest.raises(CommandError, match="không có cụm"):
        call_command("national_board", "--year", "2019", "--format", "pdf", "-o", str(out))


def test_the_api_gives_the_boards_numbers_to_national_staff_and_admins_only(
    client, make_staff, make_national, admin_user, three_clusters
):
    path = f"{API}/years/{YEAR}/national"
    assert client.get(path).status_code == 401
    staff = client.get(path, headers=bearer(token_for(make_staff("Sơn La", YEAR))))
    assert staff.status_code == 403
    assert client.get(path, headers=bearer(token_for(admin_user))).status_code == 200
    data = client.get(path, headers=bearer(token_for(make_national()))).json()
    board = national_board(YEAR)
    assert data["member_count"] == 6 and data["totals"]["tht_total"] == 2142
    assert data["totals"]["htx_avg_revenue"] == str(
        board.totals["htx_avg_revenue"].quantize(Decimal("0.01"))
    )
    assert [c["cluster"]["slug"] for c in data["clusters"]] == ["a", "b", "c"]
    assert data["clusters"][0]["totals"] == {
        k: (str(v.quantize(Decimal("0.01"))) if isinstance(v, Decimal) else v)
        for k, v in board.clusters[0].report.totals.items()
    }
    lao_cai = next(p for p in data["provinces"] if p["province"]["code"] == "15")
    assert lao_cai["clusters"] == ["a", "b"] and lao_cai["previous"]["tht_total"] == 714


def test_the_navigation_links_the_board_for_those_who_may_open_it(
    client, make_staff, make_national, three_clusters
):
    client.force_login(make_staff("Sơn La", YEAR))
    assert 'data-testid="national-link"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("national:latest")).status_code == 403
    client.force_login(make_national())
    assert 'data-testid="national-link"' in client.get(reverse("home")).content.decode()
    response = client.get(reverse("national:latest"))
    assert response["Location"] == reverse("national:board", args=[YEAR])
