"""The scoring rules as pure functions: bands and their edges, computed criteria, the
points people give, the tree's validation and the ranking with its tie-breaks."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from emulation.scoring.models import tie_breaks_validator
from emulation.scoring.rules import (
    BandsError,
    Standing,
    bands_text,
    compute,
    parse_bands,
    points_problem,
    rank,
    total_of,
    tree_problems,
)

D = Decimal


@dataclass
class C:
    """A criterion as the rules see it."""

    kind: str
    max_points: Decimal = D(15)
    indicator: str = "htx_new"
    denominator: str = ""
    bands: list = field(default_factory=lambda: parse_bands("≥100: 15; ≥80: 10; còn lại: 5"))
    pk: int = 1
    parent_id: int | None = None
    number: str = "1"

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


def target(value, goal):
    return compute(C("target"), {"htx_new": value}, None if goal is None else D(goal))


def test_bands_read_highest_first_with_otherwise_last():
    assert parse_bands("còn lại: 5; ≥ 80 %: 10; >= 100: 15") == [
        ["100", "15"],
        ["80", "10"],
        [None, "5"],
    ]
    assert bands_text(parse_bands("≥100:15;≥80:10;còn lại:5")) == "≥ 100: 15; ≥ 80: 10; còn lại: 5"


@pytest.mark.parametrize("text", ["≥ tám mươi: 10", "80: 10", "≥ 80 10"])
def test_unreadable_bands_are_refused_with_the_part_named(text):
    with pytest.raises(BandsError, match="Không đọc được mức"):
        parse_bands(text)


@pytest.mark.parametrize(
    "value, goal, points, band",
    [
        (10, 10, 15, "≥ 100\u00a0%"),  # exactly 100 %; number_style's PERCENT_SIGN
        (12, 10, 15, "≥ 100\u00a0%"),
        (8, 10, 10, "≥ 80\u00a0%"),  # exactly 80 %
        (799, 1000, 5, "còn lại"),  # just under 80 %
        (0, 10, 5, "còn lại"),
    ],
)
def test_target_attainment_is_scored_in_bands_at_the_edges(value, goal, points, band):
    working = target(value, goal)
    assert working.points == points
    assert working.band == band
    assert working.ratio == D(value) * 100 / D(goal)


def test_a_missing_target_scores_nothing_and_says_why():
    working = target(12, None)
    assert working.points is None
    assert working.note == "chưa có chỉ tiêu giao"


def test_a_zero_target_counts_as_met():
    working = target(0, 0)
    assert working.points == 15
    assert working.ratio == 100
    assert "chỉ tiêu bằng 0" in working.note


def test_without_approved_figures_a_computed_criterion_is_not_scored():
    working = compute(C("target"), None, D(10))
    assert working.points is None
    assert working.note == "chưa có số liệu được duyệt"


def test_a_band_criterion_reads_a_share_of_two_indicators():
    criterion = C(
        "band",
        max_points=D(20),
        indicator="tht_agri",
        denominator="tht_total",
        bands=parse_bands("≥70: 20; ≥60: 15; còn lại: 5"),
    )
    assert compute(criterion, {"tht_agri": 70, "tht_total": 100}, None).points == 20
    assert compute(criterion, {"tht_agri": 69, "tht_total": 100}, None).points == 15
    zero = compute(criterion, {"tht_agri": 0, "tht_total": 0}, None)
    assert zero.points is None and "mẫu số bằng 0" in zero.note


def test_a_band_criterion_reads_a_plain_value():
    criterion = C("band", max_points=D(10), indicator="online_posts",
                  bands=parse_bands("≥200: 10; ≥150: 7; còn lại: 4"))  # fmt: skip
    assert compute(criterion, {"online_posts": 200}, None).points == 10
    assert compute(criterion, {"online_posts": 149}, None).points == 4


@pytest.mark.parametrize(
    "points, problem",
    [
        (D("2.5"), None),
        (D(15), None),
        (D(0), None),
        (D("2.3"), "bước 0,5"),
        (D("15.5"), "vượt điểm tối đa"),
        (D(-1), "không được âm"),
    ],
)
def test_people_score_from_zero_to_the_maximum_in_half_points(points, problem):
    found = points_problem(points, D(15))
    assert (found is None) if problem is None else (problem in found)


def test_bonus_adds_and_penalty_subtracts():
    assert total_of([("judged", D(10)), ("bonus", D(3)), ("penalty", D(2)), ("target", None)]) == 11


def _tree():
    group = C("group", max_points=D(100), pk=1, number="I")
    judged = C("judged", max_points=D(60), pk=2, parent_id=1, indicator="")
    scored = C("target", max_points=D(40), pk=3, parent_id=1)
    bonus = C("bonus", max_points=D(5), pk=4, indicator="")
    return [group, judged, scored, bonus]


def test_a_complete_tree_has_no_problems():
    criteria = _tree()
    assert tree_problems(criteria, D(100), {7, 8}, {(3, 7): D(1), (3, 8): D(2)}) == []


def test_leaf_maxima_must_add_up_to_the_declared_total():
    problems = tree_problems(_tree(), D(90), {7}, {(3, 7): D(1)})
    assert any("khác tổng điểm đã công bố 90" in p for p in problems)


def test_bands_must_cover_every_value():
    criteria = _tree()
    criteria[2].bands = parse_bands("≥100: 40; ≥80: 30")
    problems = tree_problems(criteria, D(100), {7}, {(3, 7): D(1)})
    assert any("không phủ mọi giá trị" in p for p in problems)


def test_every_member_needs_a_target():
    problems = tree_problems(_tree(), D(100), {7, 8}, {(3, 7): D(1)})
    assert any("1 tỉnh chưa được giao chỉ tiêu" in p for p in problems)


def test_a_band_above_the_maximum_is_a_problem():
    criteria = _tree()
    criteria[2].bands = parse_bands("≥100: 45; còn lại: 0")
    problems = tree_problems(criteria, D(100), {7}, {(3, 7): D(1)})
    assert any("vượt điểm tối đa" in p for p in problems)


def _standing(name, total, group1=0, bonus=0, vote=0):
    return Standing(key=name, total=D(total), group1=D(group1), bonus=D(bonus), vote=vote)


def test_ranking_is_by_total_then_group_one_then_bonus_then_vote():
    standings = [
        _standing("a", 90, group1=50, bonus=2, vote=3),
        _standing("b", 95),
        _standing("c", 90, group1=50, bonus=2, vote=5),
        _standing("d", 90, group1=55),
        _standing("e", 90, group1=50, bonus=3),
    ]
    ordered = rank(standings, ["group1", "bonus", "vote"])
    assert [(s.key, s.rank) for s in ordered] == [
        ("b", 1),
        ("d", 2),
        ("e", 3),
        ("c", 4),
        ("a", 5),
    ]


def test_the_tie_break_order_is_the_clusters_setting():
    standings = [_standing("a", 90, group1=60, vote=1), _standing("b", 90, group1=50, vote=7)]
    assert [s.key for s in rank(standings, ["vote", "group1"])] == ["b", "a"]
    assert [s.key for s in rank(standings, ["group1", "vote"])] == ["a", "b"]


def test_members_equal_on_every_key_share_a_rank():
    standings = [_standing("a", 90), _standing("b", 90), _standing("c", 80)]
    assert [s.rank for s in rank(standings, ["group1", "bonus", "vote"])] == [1, 1, 3]


@pytest.mark.parametrize("value", ["group1,bonus,vote", "vote", "bonus, group1", ""])
def test_tie_break_settings_name_known_keys(value):
    tie_breaks_validator(value)


@pytest.mark.parametrize("value", ["group2", "vote,vote", "bonus;vote"])
def test_unknown_tie_break_keys_are_refused(value):
    with pytest.raises(ValidationError, match="không hợp lệ"):
        tie_breaks_validator(value)
