"""Award nominations: the rules of each step (services) and the page's read (selector)."""

import datetime

import pytest

from emulation.models import (
    AwardQuota,
    AwardRecord,
    AwardType,
    Nomination,
    NominationStatus,
    VoteRule,
)
from emulation.nominations.selectors import nominations_for
from emulation.nominations.services import (
    NominationError,
    nomination_decide,
    nomination_endorse,
    nomination_propose,
    nomination_submit,
    nomination_vote_record,
    nomination_withdraw,
)
from provinces.disbursements.services import borrower_find_or_create
from provinces.models import Cluster, Cooperative
from provinces.organisation.selectors import province_for_code

pytestmark = pytest.mark.django_db

YEAR = 2023


def tay_bac() -> Cluster:
    return Cluster.objects.get(slug="tay-bac")


def flag() -> AwardType:
    return AwardType.objects.get(code="emulation-flag")


def merit() -> AwardType:
    return AwardType.objects.get(code="certificate-of-merit")


def unit(code: str, year: int = YEAR):
    return province_for_code(code, year)


def propose_alliance(code: str, *, by, award: AwardType | None = None, year: int = YEAR):
    return nomination_propose(
        cluster=tay_bac(),
        year=year,
        award_type=award or flag(),
        by=by,
        alliance=unit(code, year),
        achievements="Dẫn đầu phong trào thi đua.",
    )


def vote(nomination: Nomination, votes_for: int, votes_present: int, *, by) -> Nomination:
    """Record the meeting's vote on `nomination`, at the version the caller holds."""
    return nomination_vote_record(
        nomination=nomination,
        seen_version=nomination.version,
        votes_for=votes_for,
        votes_present=votes_present,
        by=by,
        # A secret ballot, the default rule: every member present casts a valid ballot.
        ballots_issued=votes_present,
        ballots_returned=votes_present,
        ballots_valid=votes_present,
    )


def endorsed(code: str, *, by, award: AwardType | None = None, votes=(7, 7)) -> Nomination:
    nomination = propose_alliance(code, by=by, award=award)
    vote(nomination, votes[0], votes[1], by=by)
    return nomination_endorse(nomination=nomination, seen_version=nomination.version, by=by)


@pytest.fixture
def chair(make_staff):
    """Staff of Phú Thọ, the head alliance of Tây Bắc in 2023."""
    return make_staff("Phú Thọ", YEAR, username="phutho")


# Proposing -------------------------------------------------------------------------------


def test_a_member_alliance_is_proposed(chair):
    nomination = propose_alliance("10", by=chair)
    assert nomination.status == NominationStatus.PROPOSED
    assert nomination.nominee_name == "Liên minh HTX tỉnh Lào Cai"
    assert nomination.proposed_by == chair
    assert nomination.history.get().history_user == chair


def test_an_alliance_that_is_not_a_member_that_year_is_refused(chair):
    with pytest.raises(NominationError, match="Cao Bằng không phải thành viên"):
        propose_alliance("04", by=chair)
    assert not Nomination.objects.exists()


def test_a_cooperative_is_found_in_the_proposers_directory_whatever_the_accents(make_staff):
    staff = make_staff("Lai Châu", YEAR)
    existing, _ = borrower_find_or_create(
        province=unit("12"), name="HTX Nông nghiệp Bản Lướt", kind="HTX"
    )
    nomination = nomination_propose(
        cluster=tay_bac(),
        year=YEAR,
        award_type=merit(),
        by=staff,
        cooperative_name="htx  nong nghiep ban luot",
    )
    assert nomination.nominee_cooperative == existing
    assert nomination.nominee_name == "HTX Nông nghiệp Bản Lướt (tỉnh Lai Châu)"
    assert Cooperative.objects.count() == 1


def test_a_new_cooperative_is_added_to_the_directory(make_staff):
    staff = make_staff("Sơn La", YEAR)
    nomination = nomination_propose(
        cluster=tay_bac(),
        year=YEAR,
        award_type=merit(),
        by=staff,
        cooperative_name="THT Chè Shan Tuyết",
        cooperative_kind="THT",
    )
    cooperative = nomination.nominee_cooperative
    assert (cooperative.name, cooperative.kind, cooperative.province) == (
        "THT Chè Shan Tuyết",
        "THT",
        unit("14"),
    )


def test_a_cooperative_of_a_province_outside_the_cluster_is_refused(admin_user):
    with pytest.raises(NominationError, match="Cao Bằng không phải thành viên"):
        nomination_propose(
            cluster=tay_bac(),
            year=YEAR,
            award_type=merit(),
            by=admin_user,
            cooperative_name="HTX Bảo Lạc",
            cooperative_province=unit("04"),
        )
    assert not Cooperative.objects.exists()


def test_a_cooperative_needs_a_province(admin_user):
    with pytest.raises(NominationError, match="Chọn tỉnh"):
        nomination_propose(
            cluster=tay_bac(), year=YEAR, award_type=merit(), by=admin_user, cooperative_name="X"
        )


def test_both_nominees_at_once_are_refused(chair):
    with pytest.raises(NominationError, match="không chọn nhiều đối tượng"):
        nomination_propose(
            cluster=tay_bac(),
            year=YEAR,
            award_type=flag(),
            by=chair,
            alliance=unit("25"),
            cooperative_name="HTX Thanh Sơn",
        )


def test_no_nominee_is_refused(chair):
    with pytest.raises(NominationError, match="Chưa chọn đối tượng"):
        nomination_propose(
            cluster=tay_bac(), year=YEAR, award_type=flag(), by=chair, cooperative_name="  "
        )


def test_the_same_nominee_for_the_same_award_and_year_is_refused(chair):
    propose_alliance("25", by=chair)
    with pytest.raises(NominationError, match="đã được đề nghị Cờ thi đua"):
        propose_alliance("25", by=chair)
    # Another year is another achievement.
    propose_alliance("25", by=chair, year=2024)
    assert Nomination.objects.count() == 2


def test_the_same_cooperative_twice_is_refused(chair):
    kwargs = {"cluster": tay_bac(), "year": YEAR, "award_type": merit(), "by": chair}
    nomination_propose(**kwargs, cooperative_name="HTX Chè Phú Thọ")
    with pytest.raises(NominationError, match="HTX Chè Phú Thọ đã được đề nghị"):
        nomination_propose(**kwargs, cooperative_name="HTX CHE PHU THO")


# The vote ---------------------------------------------------------------------------------


def test_the_vote_is_recorded_and_can_be_corrected_before_endorsement(chair):
    nomination = propose_alliance("10", by=chair)
    vote(nomination, 5, 7, by=chair)
    vote(nomination, 6, 7, by=chair)
    nomination.refresh_from_db()
    assert (nomination.votes_for, nomination.votes_present) == (6, 7)


def test_more_votes_for_than_present_is_refused(chair):
    nomination = propose_alliance("10", by=chair)
    with pytest.raises(NominationError, match=r"\(8\) không được lớn hơn số đại biểu có mặt \(7\)"):
        vote(nomination, 8, 7, by=chair)
    nomination.refresh_from_db()
    assert nomination.votes_for is None


@pytest.mark.parametrize("votes_for, votes_present", [(0, 0), (-1, 5)])
def test_a_vote_needs_someone_present_and_no_negative_count(chair, votes_for, votes_present):
    nomination = propose_alliance("10", by=chair)
    with pytest.raises(NominationError):
        vote(nomination, votes_for, votes_present, by=chair)


def test_the_vote_cannot_change_once_endorsed(chair):
    nomination = endorsed("10", by=chair)
    with pytest.raises(NominationError, match="đang ở trạng thái “Hội nghị thống nhất đề nghị”"):
        vote(nomination, 1, 7, by=chair)


# Endorsing: threshold and quota ---------------------------------------------------------


def test_endorsing_needs_a_recorded_vote(chair):
    nomination = propose_alliance("10", by=chair)
    with pytest.raises(NominationError, match="Chưa ghi kết quả biểu quyết"):
        nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair)


def test_exactly_half_is_not_more_than_half(chair):
    VoteRule.objects.create(cluster=tay_bac(), year=YEAR, threshold_base="present")
    nomination = propose_alliance("10", by=chair)
    vote(nomination, 3, 6, by=chair)
    with pytest.raises(NominationError) as refused:
        nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair)
    assert "3/6" in str(refused.value)
    assert "(50,0\u00a0%)" in str(refused.value)  # number_style.format_percent
    assert "cần trên 50 % số thành viên có mặt" in str(refused.value)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.PROPOSED


def test_by_default_the_threshold_counts_all_members(chair):
    """4 of 6 present is more than half of those present, and also of the 7 members; 3 of
    5 present is more than half of those present but not of the members."""
    nomination = propose_alliance("10", by=chair)
    vote(nomination, 3, 5, by=chair)
    with pytest.raises(NominationError, match=r"3/7 .*cần trên 50 % tổng số thành viên của Cụm"):
        nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair)
    vote(nomination, 4, 6, by=chair)
    nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ENDORSED


def test_the_threshold_is_a_setting_of_the_cluster_year(chair):
    VoteRule.objects.create(
        cluster=tay_bac(), year=YEAR, threshold_percent=75, threshold_comparison="gte"
    )
    nomination = propose_alliance("10", by=chair)
    vote(nomination, 5, 7, by=chair)
    with pytest.raises(NominationError, match=r"5/7 \(71,4\u00a0%\) tán thành, cần từ 75 %"):
        nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair)
    vote(nomination, 6, 7, by=chair)
    assert (
        nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair).status
        == "endorsed"
    )
    # The rule of another year does not apply: its defaults do (more than half of all).
    other_year = propose_alliance("11", by=chair, year=2024)
    vote(other_year, 4, 7, by=chair)
    assert (
        nomination_endorse(nomination=other_year, seen_version=other_year.version, by=chair).status
        == "endorsed"
    )


def test_endorsing_beyond_the_quota_is_refused(chair):
    AwardQuota.objects.create(cluster=tay_bac(), year=YEAR, award_type=flag(), quota=2)
    endorsed("10", by=chair)
    endorsed("11", by=chair)
    third = propose_alliance("12", by=chair)
    vote(third, 7, 7, by=chair)
    with pytest.raises(NominationError, match="tối đa 2, đã thống nhất đề nghị 2"):
        nomination_endorse(nomination=third, seen_version=third.version, by=chair)
    # The quota is per award type: certificates of merit have no limit here.
    for code in ("14", "15", "17"):
        endorsed(code, by=chair, award=merit())


def test_a_nominee_the_vca_turned_down_frees_its_place(chair):
    AwardQuota.objects.create(cluster=tay_bac(), year=YEAR, award_type=flag(), quota=1)
    first = endorsed("10", by=chair)
    nomination_submit(nomination=first, seen_version=first.version, by=chair)
    nomination_decide(
        nomination=first,
        seen_version=first.version,
        by=chair,
        granted=False,
        reason="Chưa đủ tiêu chuẩn.",
    )
    assert endorsed("11", by=chair).status == "endorsed"


def test_submitted_and_granted_nominees_use_up_the_quota(chair):
    AwardQuota.objects.create(cluster=tay_bac(), year=YEAR, award_type=flag(), quota=1)
    first = endorsed("10", by=chair)
    nomination_submit(nomination=first, seen_version=first.version, by=chair)
    nomination_decide(
        nomination=first,
        seen_version=first.version,
        by=chair,
        granted=True,
        decision_number="123/QĐ-LMHTXVN",
        decision_date=datetime.date(2024, 1, 15),
    )
    with pytest.raises(NominationError, match="Đã đủ chỉ tiêu"):
        endorsed("11", by=chair)


# Order of the steps and the decision ----------------------------------------------------


def test_steps_out_of_order_are_refused(chair):
    nomination = propose_alliance("10", by=chair)
    with pytest.raises(NominationError, match="chỉ trình Liên minh HTX Việt Nam được khi"):
        nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    with pytest.raises(NominationError, match="ghi kết quả khen thưởng"):
        nomination_decide(
            nomination=nomination,
            seen_version=nomination.version,
            by=chair,
            granted=False,
            reason="x",
        )
    vote(nomination, 7, 7, by=chair)
    nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair)
    with pytest.raises(NominationError, match="thống nhất đề nghị"):
        nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair)
    with pytest.raises(NominationError, match="ghi kết quả khen thưởng"):
        nomination_decide(
            nomination=nomination,
            seen_version=nomination.version,
            by=chair,
            granted=False,
            reason="x",
        )
    nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    with pytest.raises(NominationError):
        nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    nomination_decide(
        nomination=nomination, seen_version=nomination.version, by=chair, granted=False, reason="x"
    )
    with pytest.raises(NominationError):
        nomination_decide(
            nomination=nomination,
            seen_version=nomination.version,
            by=chair,
            granted=True,
            decision_number="1",
            decision_date=datetime.date(2024, 1, 1),
        )


def test_a_stale_copy_cannot_take_a_step_twice(chair):
    nomination = endorsed("10", by=chair)
    stale = Nomination.objects.get(pk=nomination.pk)
    nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    with pytest.raises(NominationError):
        nomination_submit(nomination=stale, seen_version=stale.version, by=chair)


@pytest.fixture
def submitted(chair):
    nomination = endorsed("10", by=chair)
    return nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)


@pytest.mark.parametrize(
    "number, date",
    [("", datetime.date(2024, 1, 15)), ("123/QĐ-LMHTXVN", None), ("   ", None)],
)
def test_granted_needs_a_decision_number_and_date(chair, submitted, number, date):
    with pytest.raises(NominationError, match="số quyết định và ngày quyết định"):
        nomination_decide(
            nomination=submitted,
            seen_version=submitted.version,
            by=chair,
            granted=True,
            decision_number=number,
            decision_date=date,
        )
    submitted.refresh_from_db()
    assert submitted.status == NominationStatus.SUBMITTED


def test_a_decision_dated_in_the_future_is_refused(chair, submitted):
    with pytest.raises(NominationError, match="chưa đến"):
        nomination_decide(
            nomination=submitted,
            seen_version=submitted.version,
            by=chair,
            granted=True,
            decision_number="9/QĐ",
            decision_date=datetime.date.today() + datetime.timedelta(days=2),
        )


def test_not_granted_needs_a_reason(chair, submitted):
    with pytest.raises(NominationError, match="ghi rõ lý do"):
        nomination_decide(
            nomination=submitted,
            seen_version=submitted.version,
            by=chair,
            granted=False,
            reason="  ",
        )
    nomination_decide(
        nomination=submitted,
        seen_version=submitted.version,
        by=chair,
        granted=False,
        reason="Hết chỉ tiêu.",
    )
    submitted.refresh_from_db()
    assert submitted.status == NominationStatus.NOT_GRANTED
    assert submitted.not_granted_reason == "Hết chỉ tiêu."


def test_the_happy_path_to_granted_keeps_every_step(chair, admin_user):
    nomination = propose_alliance("10", by=chair)
    vote(nomination, 6, 7, by=chair)
    nomination_endorse(nomination=nomination, seen_version=nomination.version, by=chair)
    nomination_submit(nomination=nomination, seen_version=nomination.version, by=chair)
    nomination_decide(
        nomination=nomination,
        seen_version=nomination.version,
        by=admin_user,
        granted=True,
        decision_number="123/QĐ-LMHTXVN",
        decision_date=datetime.date(2024, 1, 15),
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.GRANTED
    assert nomination.decision_number == "123/QĐ-LMHTXVN"
    assert nomination.decision_date == datetime.date(2024, 1, 15)
    # The decision goes into the nominee's award-history register.
    registered = AwardRecord.objects.get(alliance=nomination.nominee_alliance)
    assert (registered.year, registered.decision_number, registered.issuer) == (
        2023,
        "123/QĐ-LMHTXVN",
        "Liên minh Hợp tác xã Việt Nam",
    )
    steps = list(nomination.history.order_by("history_id"))
    assert [(h.status, h.votes_for, h.history_user) for h in steps] == [
        ("proposed", None, chair),
        ("proposed", 6, chair),
        ("endorsed", 6, chair),
        ("submitted", 6, chair),
        ("granted", 6, admin_user),
    ]


def test_a_proposed_nomination_can_be_withdrawn_and_its_history_stays(chair):
    nomination = propose_alliance("10", by=chair)
    pk = nomination.pk
    nomination_withdraw(nomination=nomination, seen_version=nomination.version, by=chair)
    assert not Nomination.objects.filter(pk=pk).exists()
    last = Nomination.history.filter(id=pk).order_by("history_id").last()
    assert (last.history_type, last.history_user) == ("-", chair)


def test_an_endorsed_nomination_cannot_be_withdrawn(chair):
    nomination = endorsed("10", by=chair)
    with pytest.raises(NominationError, match="rút đề nghị"):
        nomination_withdraw(nomination=nomination, seen_version=nomination.version, by=chair)


# The page's read --------------------------------------------------------------------------


def test_nominations_are_grouped_by_award_type_with_quota(chair):
    AwardQuota.objects.create(cluster=tay_bac(), year=YEAR, award_type=flag(), quota=3)
    endorsed("10", by=chair)
    propose_alliance("11", by=chair, award=merit())
    propose_alliance("12", by=chair)
    propose_alliance("14", by=chair, year=2024)  # another year
    data = nominations_for(tay_bac(), YEAR)
    assert data.rules.threshold_text == "trên 50 % tổng số thành viên của Cụm"
    assert (data.rules.members, data.rules.quorum) == (7, 5)
    assert [g.award_type.code for g in data.groups] == ["emulation-flag", "certificate-of-merit"]
    flags, merits = data.groups
    assert (flags.quota, flags.counted, len(flags.nominations)) == (3, 1, 2)
    assert (merits.quota, merits.counted) == (None, 0)
    assert [n.nominee_name for n in flags.nominations] == [
        "Liên minh HTX tỉnh Lào Cai",
        "Liên minh HTX tỉnh Lai Châu",
    ]
    assert data.total == 3


def test_an_added_award_type_takes_its_place_in_order(chair):
    AwardType.objects.create(code="commendation", name="Giấy khen", order=0)
    data = nominations_for(tay_bac(), YEAR)
    assert [g.award_type.code for g in data.groups] == [
        "commendation",
        "emulation-flag",
        "certificate-of-merit",
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_the_read_runs_a_fixed_number_of_queries(django_assert_num_queries, count):
    add_nominations(count)
    cluster = tay_bac()
    # award types, quotas, nominations, the year's rules, its members
    with django_assert_num_queries(5):
        data = nominations_for(cluster, YEAR)
        names = [
            (n.nominee_name, n.nominee_province.name) for g in data.groups for n in g.nominations
        ]
    assert len(names) == count


def add_nominations(count: int, *, year: int = YEAR) -> None:
    """`count` nominations of Tây Bắc members' cooperatives, both award types, mixed
    statuses; made in bulk, as only the read is under test."""
    cluster = tay_bac()
    codes = ["10", "11", "12", "14", "15", "17", "25"]
    awards = [flag(), merit()]
    statuses = list(NominationStatus.values)
    rows = []
    for i in range(count):
        province = unit(codes[i % len(codes)], year)
        cooperative, _ = borrower_find_or_create(province=province, name=f"HTX số {i}", kind="HTX")
        status = statuses[i % len(statuses)]
        rows.append(
            Nomination(
                cluster=cluster,
                year=year,
                award_type=awards[i % 2],
                nominee_cooperative=cooperative,
                achievements=f"Thành tích {i}",
                votes_for=6 if status != "proposed" else None,
                votes_present=7 if status != "proposed" else None,
                status=status,
                decision_number="1/QĐ" if status == "granted" else "",
                decision_date=datetime.date(2024, 1, 1) if status == "granted" else None,
                not_granted_reason="Lý do" if status == "not_granted" else "",
            )
        )
    Nomination.objects.bulk_create(rows)


def test_the_database_refuses_the_same_nominee_twice_for_one_award():
    from django.db import IntegrityError, transaction

    from emulation.models import AwardType, Nomination
    from provinces.models import Cluster
    from provinces.organisation.selectors import province_for_code

    tay_bac = Cluster.objects.get(slug="tay-bac")
    flag = AwardType.objects.get(code="emulation-flag")
    son_la = province_for_code("14", 2023)
    values = {"cluster": tay_bac, "year": 2023, "award_type": flag, "nominee_alliance": son_la}
    Nomination.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(**values)


def test_a_merged_alliance_cannot_be_nominated_after_its_merger():
    from django.core.exceptions import ValidationError

    from emulation.models import AwardType, Nomination
    from provinces.models import Cluster
    from provinces.organisation.selectors import province_for_code

    northern = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    yen_bai = province_for_code("15", 2024)
    nomination = Nomination(
        cluster=northern, year=2025, award_type=AwardType.objects.first(), nominee_alliance=yen_bai
    )
    with pytest.raises(ValidationError, match="không phải thành viên"):
        nomination.full_clean()
