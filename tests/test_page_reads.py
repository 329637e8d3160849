"""The cheaper reads of the year, report and home pages (bench/bench_pages.py) say what
the reads they replace said: the same nominations, members, records and links."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from emulation.home.todos import all_todos, snapshot
from emulation.nominations.selectors import nominations_by_award, nominations_for
from emulation.reports.selectors import cluster_report
from emulation.scoring.selectors import scoring_year
from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.organisation.models import Cluster
from provinces.organisation.selectors import cluster_members, cluster_with_members

pytestmark = pytest.mark.django_db


def test_nominations_by_award_are_the_nominations_pages_groups(demo_data):
    tay_bac = Cluster.objects.get(slug="tay-bac")
    groups = nominations_for(tay_bac, 2023).groups
    expected = [(g.award_type, [n.pk for n in g.nominations]) for g in groups if g.nominations]
    got = [(award, [n.pk for n in items]) for award, items in nominations_by_award(tay_bac, 2023)]
    assert got == expected
    assert len(got) >= 1


def test_the_cluster_with_its_members_in_one_query(demo_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        cluster, members = cluster_with_members("tay-bac", 2024)
    assert cluster.slug == "tay-bac"
    assert members == cluster_members(cluster, 2024)
    assert cluster_with_members("tay-bac", 2030) == (None, [])
    assert cluster_with_members("no-such-cluster", 2024) == (None, [])


def test_the_reports_ranking_is_the_scoring_years(demo_data):
    """The ranking section reuses the report's members, term, disbursements and approved
    records: the standings are those of the scoring year built on its own."""
    tay_bac = Cluster.objects.get(slug="tay-bac")
    report = cluster_report(cluster=tay_bac, year=2023)
    approved = YearlyFigures.objects.filter(
        province__in=report.members, year=2023, status=FiguresStatus.APPROVED
    )
    assert sorted(r.pk for r in report.approved_records) == sorted(r.pk for r in approved)
    alone = scoring_year(tay_bac, 2023)
    reused = scoring_year(
        tay_bac,
        2023,
        members=report.members,
        term=report.term,
        disbursements=report.disbursements,
        approved=report.approved_records,
    )
    assert [(s.key.province.pk, s.total, s.rank) for s in reused.ranking] == [
        (s.key.province.pk, s.total, s.rank) for s in alone.ranking
    ]
    assert alone.ranking


def test_lazy_todo_links_are_the_reversed_ones(demo_data):
    todos = all_todos(snapshot())
    assert todos
    for todo in todos:
        assert str(todo.url).startswith("/")
    enter = [t for t in todos if t.kind == "figures_enter"]
    for todo in enter:
        assert str(todo.url) == reverse("figures:edit", args=[todo.year, todo.owner.code])


@pytest.mark.parametrize(
    ("status", "html"),
    [
        ("approved", '<span class="badge status-approved" data-testid="status">Đã duyệt</span>\n'),
        (None, '<span class="badge text-bg-light border" data-testid="status">Chưa nhập</span>\n'),
    ],
)
def test_the_status_badge_tag(status, html):
    figures = YearlyFigures(status=status) if status else None
    rendered = Template("{% load figures_format %}{% status_badge figures %}").render(
        Context({"figures": figures})
    )
    assert rendered == html
