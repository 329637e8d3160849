"""The life of a cluster-year's scoring through the services: agreement, self-scores,
cross-check, answer, settlement, the meeting that locks, reopening, proposals."""

from decimal import Decimal

import pytest

from emulation.models import (
    AwardQuota,
    AwardType,
    Criterion,
    Nomination,
    Score,
    ScoringAgreement,
)
from emulation.scoring.services import (
    ScoringError,
    StaleSheetError,
    agreement_copy_last_year,
    agreement_sign,
    criterion_save,
    ranking_propose,
    scoring_reopen,
    targets_set,
)
from emulation.scoring.sheets import (
    sheet_answer,
    sheet_self_save,
    sheet_settle,
    sheet_submit,
)
from provinces.models import FiguresStatus
from tests.factories import make_figures
from tests.scoring_helpers import (
    SIGNED_ON,
    SMALL,
    TAY_BAC_2023,
    build_agreement,
    cluster,
    cross_check,
    data_for,
    leaf,
    meeting_record,
    self_score,
    signed_agreement,
    unit,
)
from tests.versions import sheet_version, shown_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoring_states")]
D = Decimal


def all_submitted(points: dict | None = None):
    """Every member self-scores II.1 (Phú Thọ highest) and submits."""
    for index, code in enumerate(TAY_BAC_2023):
        given = (points or {}).get(code, {"II.1": 20 + index})
        self_score(code, given)


# The agreement -----------------------------------------------------------------------------


def test_signing_refuses_a_sheet_that_does_not_add_up():
    agreement = build_agreement(total=D(90), sign=False)
    with pytest.raises(ScoringError, match="khác tổng điểm đã công bố 90"):
        agreement_sign(
            agreement=agreement,
            seen_version=shown_version(agreement),
            data=data_for(),
            signed_on=SIGNED_ON,
            by=None,
        )


def test_signing_refuses_missing_targets():
    agreement = build_agreement(sign=False)
    data = data_for()
    target = leaf(data, "I.1")
    targets_set(
        agreement=agreement,
        seen_version=shown_version(agreement),
        values={(target.pk, unit("14").pk): None},
        by=None,
    )
    with pytest.raises(ScoringError, match="1 tỉnh chưa được giao chỉ tiêu"):
        agreement_sign(
            agreement=agreement,
            seen_version=shown_version(agreement),
            data=data_for(),
            signed_on=SIGNED_ON,
            by=None,
        )


def test_a_signed_agreement_keeps_its_date_and_its_criteria_are_locked():
    agreement = signed_agreement()
    assert agreement.is_signed and agreement.signed_on == SIGNED_ON
    criterion = Criterion.objects.filter(agreement=agreement).first()
    criterion.title = "Đổi"
    with pytest.raises(ScoringError, match="đã ký ngày 08/12/2022"):
        criterion_save(
            criterion=criterion, seen_version=shown_version(criterion.agreement), by=None
        )


def test_copying_last_year_brings_criteria_bands_and_targets(admin_user):
    build_agreement(targets={"25": D(77)})
    copy = agreement_copy_last_year(
        cluster=cluster(), year=2024, members=data_for(year=2024).members, by=admin_user
    )
    data = data_for(year=2024)
    assert not copy.is_signed
    assert [c.number for c in data.criteria] == [row[0] for row in SMALL]
    assert leaf(data, "I.2").bands == [["70", "20"], ["60", "15"], [None, "5"]]
    assert data.targets[(leaf(data, "I.1").pk, unit("25", 2024).pk)] == D(77)
    assert data.problems == []


# Self-scoring ------------------------------------------------------------------------------


def test_computed_criteria_are_prefilled_from_approved_figures_only():
    build_agreement(targets={"14": D(40)})
    make_figures("14", 2023, status=FiguresStatus.APPROVED, htx_new=32, tht_agri=700)
    make_figures("11", 2023, status=FiguresStatus.SUBMITTED, htx_new=60)
    data = data_for()
    son_la = data.column(unit("14").pk).cells
    assert son_la[leaf(data, "I.1").pk].working.ratio == 80
    assert son_la[leaf(data, "I.1").pk].self_points == 30  # exactly 80 %
    assert son_la[leaf(data, "I.2").pk].self_points == 5  # 700 / 1600 = 43,75 %
    dien_bien = data.column(unit("11").pk).cells[leaf(data, "I.1").pk]
    assert dien_bien.self_points is None
    assert dien_bien.working.note == "chưa có số liệu được duyệt"


def test_overriding_a_computed_score_needs_a_reason():
    signed_agreement()
    make_figures("14", 2023, status=FiguresStatus.APPROVED)
    data = data_for()
    entries = {leaf(data, "I.1").pk: (D(35), "")}
    with pytest.raises(ScoringError, match="lý do sửa điểm tính từ số liệu"):
        sheet_self_save(
            data=data,
            province=unit("14"),
            entries=entries,
            seen_version=sheet_version(data, unit("14")),
            by=None,
        )


@pytest.mark.parametrize(
    "path, points, message",
    [
        ("III.1", "5.5", "vượt điểm tối đa 5"),  # bonus limit
        ("IV.1", "3.5", "vượt điểm tối đa 3"),  # penalty limit
        ("II.1", "10.2", "bước 0,5"),
    ],
)
def test_scores_beyond_their_limits_are_refused(path, points, message):
    signed_agreement()
    data = data_for()
    entries = {leaf(data, path).pk: (D(points), "Giải trình")}
    with pytest.raises(ScoringError, match=message):
        sheet_self_save(
            data=data,
            province=unit("14"),
            entries=entries,
            seen_version=sheet_version(data, unit("14")),
            by=None,
        )


def test_bonus_adds_and_penalty_subtracts_up_to_their_maximum():
    signed_agreement()
    self_score("14", {"II.1": 30, "III.1": 5, "IV.1": 3}, submit=False)
    column = data_for().column(unit("14").pk)
    assert column.total == 30 + 5 - 3


def test_submitting_needs_every_judged_criterion_scored():
    signed_agreement()
    with pytest.raises(ScoringError, match="Chưa tự chấm các tiêu chí: 1"):
        self_score("14", {"III.1": 2})


def test_a_submitted_sheet_no_longer_takes_self_scores():
    signed_agreement()
    sheet = self_score("14", {"II.1": 30})
    data = data_for()
    with pytest.raises(ScoringError, match="Bảng đã nộp"):
        sheet_self_save(
            data=data,
            province=unit("14"),
            entries={leaf(data, "II.1").pk: (D(40), "x")},
            seen_version=sheet.version,
            by=None,
        )


def test_two_editors_do_not_overwrite_each_other(admin_user):
    signed_agreement()
    sheet = self_score("14", {"II.1": 30}, submit=False, by=admin_user)
    data = data_for()
    entries = {leaf(data, "II.1").pk: (D(31), "Lần 2")}
    sheet_self_save(
        data=data, province=unit("14"), entries=entries, seen_version=sheet.version, by=None
    )
    with pytest.raises(StaleSheetError, match="sau khi bạn mở biểu mẫu"):
        sheet_self_save(
            data=data_for(),
            province=unit("14"),
            entries=entries,
            seen_version=sheet.version,
            by=None,
        )


def test_every_score_change_is_kept_in_the_history(admin_user):
    signed_agreement()
    self_score("14", {"II.1": 30}, by=admin_user)
    cross_check("14", {"II.1": (25, "Chưa đủ minh chứng.")}, by=admin_user)
    score = Score.objects.get(
        sheet__province=unit("14"), criterion__number="1", criterion__kind="judged"
    )
    history = list(score.history.order_by("history_date"))
    assert [(h.self_points, h.cluster_points) for h in history] == [(30, None), (30, 25)]
    assert history[-1].history_user == admin_user
    assert history[-1].history_change_reason == "Cụm chấm chéo"


# Cross-checking ----------------------------------------------------------------------------


def test_a_cluster_score_that_differs_needs_a_reason():
    signed_agreement()
    self_score("14", {"II.1": 30})
    with pytest.raises(ScoringError, match="khác điểm tự chấm 30: ghi lý do"):
        cross_check("14", {"II.1": (25, "")})
    cross_check("14", {"II.1": (25, "Chưa tham gia hội chợ.")})
    column = data_for().column(unit("14").pk)
    cell = column.cells[leaf(data_for(), "II.1").pk]
    assert cell.differs and cell.agreed == 25 and column.differences == 1


def test_a_sheet_is_cross_checked_only_once_submitted():
    signed_agreement()
    self_score("14", {"II.1": 30}, submit=False)
    with pytest.raises(ScoringError, match="chưa nộp"):
        cross_check("14", {"II.1": (30, "")})


def test_the_member_contests_with_a_comment_and_the_chair_settles():
    signed_agreement()
    self_score("14", {"II.1": 30})
    sheet = cross_check("14", {"II.1": (25, "Chưa tham gia hội chợ.")})
    data = data_for()
    criterion = leaf(data, "II.1").pk
    with pytest.raises(ScoringError, match="ghi lý do không đồng ý"):
        sheet_answer(
            data=data,
            province=unit("14"),
            answers={criterion: ("contest", "")},
            seen_version=sheet.version,
            by=None,
        )
    sheet = sheet_answer(
        data=data,
        province=unit("14"),
        answers={criterion: ("contest", "Có tham gia, xem ảnh.")},
        seen_version=sheet.version,
        by=None,
    )
    data = data_for()
    assert data.column(unit("14").pk).cells[criterion].contested
    sheet_settle(
        data=data,
        province=unit("14"),
        entries={criterion: (D("27.5"), "Tham gia một phần.")},
        seen_version=sheet.version,
        by=None,
    )
    assert data_for().column(unit("14").pk).cells[criterion].agreed == D("27.5")


# The result --------------------------------------------------------------------------------


def test_the_meeting_needs_every_sheet_submitted():
    signed_agreement()
    self_score("14", {"II.1": 30})
    with pytest.raises(ScoringError, match="Chưa nộp bảng tự chấm: Điện Biên"):
        meeting_record()


def test_the_meeting_needs_contested_scores_settled():
    signed_agreement()
    all_submitted()
    sheet = cross_check("14", {"II.1": (20, "Thiếu minh chứng.")})
    data = data_for()
    sheet_answer(
        data=data,
        province=unit("14"),
        answers={leaf(data, "II.1").pk: ("contest", "Có minh chứng.")},
        seen_version=sheet.version,
        by=None,
    )
    with pytest.raises(ScoringError, match=r"chưa kết luận: Sơn La \(1\)"):
        meeting_record()


def test_recording_the_meeting_freezes_final_scores_and_locks():
    signed_agreement()
    all_submitted()
    cross_check("14", {"II.1": (20, "Thiếu minh chứng.")})
    meeting_record(votes={"25": 7})
    data = data_for()
    assert data.locked and data.result_recorded
    son_la = data.column(unit("14").pk)
    assert son_la.cells[leaf(data, "II.1").pk].score.final_points == 20
    assert data.ranking[0].key.province.code == "25"
    with pytest.raises(ScoringError, match="đã khóa"):
        self_score("14", {"II.1": 40}, submit=False)
    with pytest.raises(ScoringError, match="đã khóa"):
        cross_check("25", {"II.1": (1, "Muộn.")})


def test_votes_cannot_exceed_those_present():
    signed_agreement()
    all_submitted()
    with pytest.raises(
        ScoringError, match=r"suy tôn \(8\) không được lớn hơn số phiếu hợp lệ \(7\)"
    ):
        meeting_record(votes={"25": 8})
    # Each ballot names one member: 5 + 3 from 7 is refused as well.
    with pytest.raises(ScoringError, match=r"suy tôn \(8\) không được lớn hơn"):
        meeting_record(votes={"25": 5, "10": 3})
    assert not data_for().agreement.locked


def test_an_admin_reopens_with_a_reason_and_the_chair_records_again(admin_user):
    agreement = signed_agreement()
    all_submitted()
    meeting_record()
    with pytest.raises(ScoringError, match="Ghi lý do"):
        scoring_reopen(
            agreement=agreement, seen_version=shown_version(agreement), reason=" ", by=admin_user
        )
    scoring_reopen(
        agreement=agreement,
        seen_version=shown_version(agreement),
        reason="Sai điểm của Sơn La.",
        by=admin_user,
    )
    agreement.refresh_from_db()
    assert not agreement.locked and agreement.reopen_reason == "Sai điểm của Sơn La."
    cross_check("14", {"II.1": (10, "Điều chỉnh theo biên bản.")})
    meeting_record()
    assert data_for().column(unit("14").pk).total == 10


def test_a_tie_is_broken_by_the_meetings_vote():
    signed_agreement()
    points = {code: {"II.1": 30} for code in TAY_BAC_2023}
    all_submitted(points)
    meeting_record(votes={"11": 5, "25": 2})
    ranking = data_for().ranking
    assert [s.key.province.code for s in ranking[:2]] == ["11", "25"]
    assert [s.rank for s in ranking] == [1, 2, 3, 3, 3, 3, 3]


# Proposals from the ranking --------------------------------------------------------------


def shown() -> int:
    """The agreement's version as the overview page shows it."""
    return data_for().agreement.version


def flag() -> AwardType:
    return AwardType.objects.get(code="emulation-flag")


def test_the_leader_is_proposed_carrying_score_rank_and_vote(admin_user):
    signed_agreement()
    all_submitted()
    meeting_record(votes={"25": 6})
    data = data_for()
    created = ranking_propose(
        data=data,
        award_type=flag(),
        provinces=[unit("25")],
        by=admin_user,
        seen_version=data.agreement.version,
    )
    nomination = Nomination.objects.get(pk=created[0].pk)
    assert nomination.nominee_alliance == unit("25")
    assert (
        "Xếp thứ 1/7" in nomination.achievements and "đạt 26/100 điểm." in nomination.achievements
    )
    assert (nomination.votes_for, nomination.votes_present) == (6, 7)


def test_proposals_stay_within_the_award_quota(admin_user):
    signed_agreement()
    all_submitted()
    meeting_record()
    AwardQuota.objects.create(cluster=cluster(), year=2023, award_type=flag(), quota=1)
    with pytest.raises(ScoringError, match="Vượt chỉ tiêu .*tối đa 1, đã có 0"):
        ranking_propose(
            data=data_for(),
            award_type=flag(),
            provinces=[unit("25"), unit("17")],
            by=admin_user,
            seen_version=shown(),
        )
    assert not Nomination.objects.exists()
    ranking_propose(
        data=data_for(),
        award_type=flag(),
        provinces=[unit("25")],
        by=admin_user,
        seen_version=shown(),
    )
    with pytest.raises(ScoringError, match="tối đa 1, đã có 1"):
        ranking_propose(
            data=data_for(),
            award_type=flag(),
            provinces=[unit("17")],
            by=admin_user,
            seen_version=shown(),
        )


def test_proposals_wait_for_the_recorded_result(admin_user):
    signed_agreement()
    with pytest.raises(ScoringError, match="cuộc họp bình xét"):
        ranking_propose(
            data=data_for(),
            award_type=flag(),
            provinces=[unit("25")],
            by=admin_user,
            seen_version=shown(),
        )


def test_submit_is_refused_twice():
    signed_agreement()
    sheet = self_score("14", {"II.1": 30})
    with pytest.raises(ScoringError, match="đã nộp"):
        sheet_submit(data=data_for(), province=unit("14"), seen_version=sheet.version, by=None)
    assert ScoringAgreement.objects.count() == 1


NESTED = [
    ("I", "Nhóm lớn", "group", "60", "", "", ""),
    ("1", "Nhóm con", "group", "40", "", "", ""),
    ("1.1", "Tiêu chí a", "judged", "30", "", "", ""),
    ("1.2", "Tiêu chí b", "judged", "10", "", "", ""),
    ("2", "Tiêu chí c", "judged", "20", "", "", ""),
    ("II", "Phối hợp", "group", "40", "", "", ""),
    ("1", "Tiêu chí d", "judged", "40", "", "", ""),
    ("III", "Thưởng", "group", "5", "", "", ""),
    ("1", "Tiêu chí e", "bonus", "5", "", "", ""),
    ("IV", "Trừ", "group", "0", "", "", ""),
    ("1", "Tiêu chí f", "penalty", "3", "", "", ""),
]  # fmt: skip


def test_totals_add_up_nested_groups_in_one_pass():
    """Every line's points come from one pass over the tree: a nested group is the sum of
    its leaves, a top group of its groups and leaves, a penalty subtracts, an unscored
    leaf is blank but counts 0."""
    build_agreement(rows=NESTED)
    data = data_for()
    by_title = {line.criterion.title: line.criterion for line in data.lines}
    points = {"Tiêu chí a": "27.5", "Tiêu chí c": "15", "Tiêu chí e": "2", "Tiêu chí f": "1"}
    sheet_self_save(
        data=data,
        province=unit("14"),
        entries={by_title[t].pk: (Decimal(p), "Có.") for t, p in points.items()},
        seen_version=0,
        by=None,
    )
    data = data_for()
    column = data.column(unit("14").pk)
    shown = {title: data.points(column, c) for title, c in by_title.items()}
    assert shown == {
        "Nhóm lớn": Decimal("42.5"),
        "Nhóm con": Decimal("27.5"),
        "Tiêu chí a": Decimal("27.5"),
        "Tiêu chí b": None,
        "Tiêu chí c": Decimal(15),
        "Phối hợp": Decimal(0),
        "Tiêu chí d": None,
        "Thưởng": Decimal(2),
        "Tiêu chí e": Decimal(2),
        "Trừ": Decimal(-1),
        "Tiêu chí f": Decimal(-1),
    }
    assert column.group_totals == {
        by_title["Nhóm lớn"].pk: Decimal("42.5"),
        by_title["Phối hợp"].pk: Decimal(0),
        by_title["Thưởng"].pk: Decimal(2),
        by_title["Trừ"].pk: Decimal(-1),
    }
    assert (column.total, column.standing.group1, column.standing.bonus) == (
        Decimal("43.5"),
        Decimal("42.5"),
        Decimal(2),
    )


def test_the_totals_worked_out_without_cells_are_those_of_the_cells():
    """`scoring_year` adds every member up without making its cells: the totals, the
    self-score total, the differences and the bonus equal those the cells give."""
    from emulation.scoring.rules import total_of

    signed_agreement()
    all_submitted()
    cross_check("14", {"II.1": (20, "Thiếu minh chứng.")})
    meeting_record(votes={"25": 7})
    data = data_for()
    assert data.locked
    for column in data.columns:
        cells = column.cells.values()
        assert column.total == total_of((c.criterion.kind, c.final) for c in cells)
        assert column.self_total == total_of((c.criterion.kind, c.self_points) for c in cells)
        assert column.differences == sum(1 for c in cells if c.differs)
        bonus = [c.final for c in cells if c.criterion.kind == "bonus" and c.final is not None]
        assert column.standing.bonus == sum(bonus, D(0))
    assert data.column(unit("14").pk).differences == 1
