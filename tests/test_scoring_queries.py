"""The overview and a member's sheet run the same number of queries whatever the
number of members (8, 34) and criteria (20, 80)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emulation.models import (
    Criterion,
    EvidenceFile,
    Score,
    ScoreSheet,
    ScoringAgreement,
    Target,
)
from emulation.scoring.rules import parse_bands
from emulation.scoring.score_values import POINTS_FIELDS, plain_rows
from provinces.models import (
    Cluster,
    ClusterMembership,
    ClusterTerm,
    FiguresStatus,
    Province,
    StaffProfile,
)
from tests.factories import make_disbursement, make_figures

pytestmark = pytest.mark.django_db
YEAR = 2023
KINDS = ["target", "band", "judged", "judged", "target", "band", "bonus", "penalty", "judged"]
INDICATOR = {"target": "htx_new", "band": "tht_agri"}


def build(members: int, criteria: int):
    """A cluster of `members` new provinces, a signed agreement of `criteria` lines in
    groups of ten, a target and a score on every leaf, approved figures, a disbursement and an
    evidence file; returns the chair and the code of the first member."""
    cluster = Cluster.objects.create(slug=f"c-{members}-{criteria}", name="Cụm thử", from_year=YEAR)
    provinces = [
        Province.objects.create(code=f"{40 + i:02d}", name=f"Tỉnh {i:02d}") for i in range(members)
    ]
    for p in provinces:
        ClusterMembership.objects.create(cluster=cluster, province=p, from_year=YEAR)
        make_figures(p.code, YEAR, status=FiguresStatus.APPROVED)
    make_disbursement(provinces[0].code, "2023-05-01", "100")
    ClusterTerm.objects.create(cluster=cluster, year=YEAR, head=provinces[0], vice=provinces[1])
    agreement = ScoringAgreement.objects.create(cluster=cluster, year=YEAR)
    leaves, order = [], 0
    for g in range(criteria // 10):
        order += 1
        group = Criterion.objects.create(
            agreement=agreement,
            number=str(g + 1),
            title=f"Nhóm {g}",
            kind="group",
            max_points=Decimal(10),
            order=order,
        )
        for i, kind in enumerate(KINDS):
            order += 1
            indicator = INDICATOR.get(kind, "")
            if kind == "target" and i == 4:
                indicator = "loans_amount"
            leaves.append(
                Criterion.objects.create(
                    agreement=agreement,
                    parent=group,
                    number=str(i + 1),
                    title=f"Tiêu chí {i}",
                    kind=kind,
                    max_points=Decimal(1),
                    order=order,
                    indicator=indicator,
                    denominator="tht_total" if kind == "band" else "",
                    bands=parse_bands("≥100: 1; còn lại: 0") if indicator else [],
                )
            )
    Target.objects.bulk_create(
        Target(criterion=c, province=p, value=Decimal(10))
        for c in leaves
        if c.kind == "target"
        for p in provinces
    )
    for p in provinces:
        sheet = ScoreSheet.objects.create(agreement=agreement, province=p, status="submitted")
        scores = Score.objects.bulk_create(
            Score(sheet=sheet, criterion=c, self_points=Decimal(1), justification="x")
            for c in leaves
        )
        EvidenceFile.objects.create(
            score=scores[2],
            file="scoring/evidence/x.pdf",
            original_name="x.pdf",
            size=1,
            content_type="application/pdf",
        )
    agreement.status, agreement.signed_on = "signed", "2022-12-01"
    agreement.save()
    chair = get_user_model().objects.create_user(username=f"chair{members}{criteria}")
    StaffProfile.objects.create(user=chair, province=provinces[0])
    return cluster, chair, provinces[1].code


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# session, user, cluster, members, term, agreement, criteria, targets, sheets, scores,
# approved figures, disbursements (2), staff profile, and the session save (3 with its savepoint);
# the sheet also resolves the province code, loads that sheet's texts (the other members'
# scores are read without them), evidence and history.
EXPECTED = {"overview": 18, "sheet": 21}  # overview: +1, the deadlines


@pytest.mark.parametrize("page", ["overview", "sheet"])
@pytest.mark.parametrize("members, criteria", [(8, 20), (34, 20), (8, 80), (34, 80)])
def test_pages_run_a_fixed_number_of_queries(client, page, members, criteria):
    cluster, chair, code = build(members, criteria)
    client.force_login(chair)
    args = [cluster.slug, YEAR] + ([code] if page == "sheet" else [])
    assert count(client, reverse(f"scoring:{page}", args=args)) == EXPECTED[page]


def test_plain_rows_are_values_list_in_one_query():
    """The scores and targets as the pages read them: the values Django's values_list
    gives (the same Decimals, 1.0 not 1), in one query."""
    build(8, 20)
    Score.objects.filter(pk=Score.objects.order_by("pk").first().pk).update(
        self_points=Decimal("0.5"), settled_points=Decimal("2.5"), final_points=Decimal(0)
    )
    for queryset, fields in (
        (Score.objects.order_by("pk"), POINTS_FIELDS),
        (Target.objects.order_by("pk"), ("criterion_id", "province_id", "value")),
    ):
        with CaptureQueriesContext(connection) as queries:
            rows = plain_rows(queryset, fields)
        assert len(queries) == 1
        expected = list(queryset.values_list(*fields))
        assert rows == expected and len(rows) >= 32
        assert [tuple(map(repr, row)) for row in rows] == [
            tuple(map(repr, row)) for row in expected
        ]
    assert plain_rows(Score.objects.filter(pk__in=[]), POINTS_FIELDS) == []
