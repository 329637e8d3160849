"""The demo: Tây Bắc 2023 scored and ranked with Phú Thọ first, as the seed article's
flag says; the northern cluster's 2025 agreement signed and half-way through."""

import pytest

from emulation.models import Score, ScoringAgreement
from tests.scoring_helpers import data_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data):
    pass


def test_tay_bac_2023_is_scored_and_ranked_with_phu_tho_first(seeded):
    data = data_for()
    agreement = data.agreement
    assert agreement.is_signed and agreement.locked and agreement.total_points == 100
    assert data.problems == []
    assert {line.criterion.kind for line in data.lines} == {
        "group", "target", "band", "judged", "bonus", "penalty",
    }  # fmt: skip
    assert {c.indicator for c in data.leaves if c.kind == "target"} == {
        "htx_new", "tht_new", "training_courses", "loans_amount",
    }  # fmt: skip
    assert data.ranking[0].key.province.name == "Phú Thọ" and data.ranking[0].rank == 1
    assert data.leader.province.name == "Phú Thọ"
    differing = [c for column in data.columns for c in column.cells.values() if c.differs]
    # The texts are read for the sheet shown only: the reasons from the scores themselves.
    reasons = Score.objects.filter(pk__in=[c.score.pk for c in differing])
    assert len(differing) == 3 and all(reasons.values_list("cluster_reason", flat=True))
    assert reasons.count() == 3
    assert any(c.contested and c.score.settled_points is not None for c in differing)
    flag = list(data.cluster.nominations.filter(year=2023, award_type__code="emulation-flag"))
    assert any(n.nominee_alliance and n.nominee_alliance.name == "Phú Thọ" for n in flag)


def test_the_northern_cluster_2025_is_half_way(seeded):
    data = data_for("mien-nui-phia-bac-1", 2025)
    assert data.agreement.is_signed and not data.agreement.result_recorded
    statuses = [c.sheet.status if c.sheet else None for c in data.columns]
    assert statuses.count("submitted") == 3 and statuses.count("draft") == 2
    assert not any(c.sheet and c.sheet.cross_checked_at for c in data.columns)
    assert not Score.objects.filter(
        sheet__agreement=data.agreement, cluster_points__isnull=False
    ).exists()


def test_seeding_twice_adds_nothing(seed_demo_again):
    before = seed_demo_again(lambda: (ScoringAgreement.objects.count(), Score.objects.count()))
    assert before[1] > 0
    assert (ScoringAgreement.objects.count(), Score.objects.count()) == before


def test_the_articles_alliance_nominations_carry_score_and_rank(seeded):
    data = data_for()
    flag = data.cluster.nominations.get(
        year=2023, award_type__code="emulation-flag", nominee_alliance__code="25"
    )
    assert flag.achievements.startswith("Xếp thứ 1/7 trong bảng chấm điểm thi đua năm 2023")
