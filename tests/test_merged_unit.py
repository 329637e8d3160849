"""The unit a merged member counts as, through every caller.

One rule, one home (provinces/organisation/selectors.py): `counts_as` read forward, and
`merged_into` read backward. On the reference 2025 merger: Yên Bái (15 until 30/06/2025)
and the old Lào Cai (10) became the new Lào Cai (15 from 01/07/2025), a member of Cụm số 1
(mien-nui-phia-bac-1) in 2025, where Yên Bái itself is no member. Each test below fails if
its caller ignores the merger.
"""

import datetime

import pytest
from django.urls import reverse

from cluster_portal import access
from emulation.dossiers.selectors import nominee_context
from emulation.home.selectors import todos_for
from emulation.models import AwardType, Nomination, NominationStatus
from emulation.nominations.selectors import nominee_unit
from emulation.nominations.services import nomination_propose
from emulation.reports.selectors import cluster_report
from emulation.scoring.services import agreement_copy_last_year
from provinces.calendar.obligations import snapshot
from provinces.disbursements.selectors import disbursement_totals, province_disbursements
from provinces.disbursements.services import borrower_find_or_create
from provinces.figures.selectors import previous_year
from provinces.models import Cluster, ClusterMembership, FiguresStatus, Province
from provinces.organisation.selectors import ProvinceYear, counts_as, merged_into, province_for_code
from tests.factories import make_disbursement, make_figures
from tests.scoring_helpers import build_agreement, data_for, leaf

pytestmark = pytest.mark.django_db

A = FiguresStatus.APPROVED


def yen_bai() -> Province:
    return Province.objects.get(name="Yên Bái")


def lao_cai() -> Province:
    """The new Lào Cai, formed on 1 July 2025."""
    return province_for_code("15", 2025)


def cum_so_1() -> Cluster:
    return Cluster.objects.get(slug="mien-nui-phia-bac-1")


# The rule itself -------------------------------------------------------------------------


def test_a_merged_unit_counts_as_the_unit_it_merged_into_from_the_year_of_the_merger():
    old_lao_cai = province_for_code("10", 2024)
    assert counts_as(yen_bai(), 2024) == yen_bai()
    assert counts_as(yen_bai(), 2025) == lao_cai()
    assert counts_as(yen_bai(), 2026) == lao_cai()
    assert counts_as(old_lao_cai, 2025) == lao_cai()
    son_la = province_for_code("14", 2025)
    assert counts_as(son_la, 2025) == son_la


def test_merged_into_is_the_same_rule_read_backward():
    units = list(Province.objects.select_related("successor"))
    for year in (2024, 2025, 2026):
        standing = [p for p in units if p.is_valid_in(year)]
        merged = merged_into(standing, year)
        for unit in units:
            if not unit.is_valid_in(year - 1):
                continue  # merged_into lists units that stood when the year began
            member = counts_as(unit, year)
            listed = unit in merged.get(member.pk, [])
            assert listed is (member != unit), (unit, year)


# Figures aggregation: the previous-year comparison ---------------------------------------


def test_a_merged_unit_compares_with_its_predecessors_combined():
    make_figures("10", 2024, status=A, htx_total=600, htx_new=50)
    make_figures("15", 2024, status=A, htx_total=400, htx_new=30)  # Yên Bái
    previous = previous_year(lao_cai(), 2025, user=None)
    assert previous.merged
    assert {u.name for u in previous.units} == {"Lào Cai", "Yên Bái"}
    assert previous.values["htx_total"] == 1000
    assert previous.values["htx_new"] == 80


# The register ----------------------------------------------------------------------------


def test_a_disbursement_of_a_merged_unit_before_the_merger_is_in_a_cluster_through_its_successor():
    # Yên Bái is a member of no cluster in 2025: the disbursement is accepted because Yên Bái
    # counts as the new Lào Cai that year (Disbursement.clean).
    disbursement = make_disbursement("15", "2025-03-05", "120", borrower="HTX Yên Bình")
    assert disbursement.province == yen_bai()


def test_the_disbursement_list_and_its_totals_carry_the_merged_units_disbursements():
    make_disbursement("15", "2025-03-05", "120", borrower="HTX Yên Bình")  # Yên Bái
    make_disbursement("15", "2025-09-10", "80", borrower="HTX Bảo Hà")  # the new Lào Cai
    py = ProvinceYear(province=lao_cai(), year=2025)
    assert {disbursement.borrower.name for disbursement in province_disbursements(py)} == {
        "HTX Yên Bình",
        "HTX Bảo Hà",
    }
    totals = disbursement_totals(provinces=[lao_cai()], year=2025)
    assert totals.all_funds[lao_cai().pk].count == 2
    assert totals.all_funds[lao_cai().pk].amount == 200


def test_staff_of_the_merged_unit_open_the_disbursement_list_with_the_merged_units_disbursements(
    client, make_staff
):
    make_disbursement("15", "2025-03-05", "120", borrower="HTX Yên Bình")
    client.force_login(make_staff("Lào Cai", 2025))
    response = client.get(reverse("disbursements:list", args=[2025, "15"]))
    assert response.status_code == 200
    assert "HTX Yên Bình" in response.content.decode()


# The annual report -----------------------------------------------------------------------


def test_the_report_counts_the_merged_units_disbursements_and_compares_with_its_predecessors():
    make_figures("10", 2024, status=A, htx_total=600, htx_new=50)
    make_figures("15", 2024, status=A, htx_total=400, htx_new=30)
    make_disbursement("15", "2025-03-05", "120", borrower="HTX Yên Bình")
    report = cluster_report(cluster=cum_so_1(), year=2025)
    line = next(line for line in report.lines if line.province == lao_cai())
    assert line.disbursements_all.count == 1
    assert line.comparison.merged and line.previous["htx_total"] == 1000


# Nominations and dossiers: a cooperative of a merged unit --------------------------------


@pytest.fixture
def yen_bai_cooperative_nominated(admin_user):
    """A cooperative of Yên Bái's directory, proposed by Cụm số 1 in 2025 (found through
    the new Lào Cai's predecessors' directory) and endorsed."""
    borrower_find_or_create(province=yen_bai(), name="HTX Yên Bình", kind="HTX")
    nomination = nomination_propose(
        cluster=cum_so_1(),
        year=2025,
        award_type=AwardType.objects.get(code="certificate-of-merit"),
        by=admin_user,
        cooperative_name="HTX Yên Bình",
        cooperative_province=lao_cai(),
    )
    assert nomination.nominee_cooperative.province == yen_bai()
    return nomination


def test_a_cooperative_of_a_merged_unit_may_be_nominated_by_the_successors_cluster(
    yen_bai_cooperative_nominated,
):
    # Nomination.clean accepted it: Yên Bái counts as the new Lào Cai, a member in 2025.
    nomination = Nomination.objects.get(pk=yen_bai_cooperative_nominated.pk)
    nomination.full_clean()
    assert nominee_unit(nomination) == lao_cai()


def test_staff_of_the_successor_may_withdraw_the_cooperatives_nomination(
    client, make_staff, yen_bai_cooperative_nominated
):
    nomination = yen_bai_cooperative_nominated
    client.force_login(make_staff("Lào Cai", 2025))
    response = client.post(
        reverse("nominations:withdraw", args=[nomination.pk]),
        {"seen_version": nomination.version},
    )
    assert response.status_code == 302
    assert not Nomination.objects.filter(pk=nomination.pk).exists()


def test_the_successors_staff_write_the_merged_cooperatives_achievement_report(
    client, make_staff, yen_bai_cooperative_nominated
):
    nomination = yen_bai_cooperative_nominated
    nomination.status = NominationStatus.ENDORSED
    nomination.save()
    ctx = nominee_context(nomination.pk)
    assert ctx.province == lao_cai()
    writer = make_staff("Lào Cai", 2025)
    other = make_staff("Sơn La", 2025)
    assert access.can_edit_achievement_report(writer, ctx)
    assert not access.can_view_achievement_report(other, ctx)
    client.force_login(writer)
    response = client.get(reverse("dossiers:report", args=[nomination.pk]))
    assert response.status_code == 200


def test_the_achievement_report_to_do_is_the_successors(make_staff, yen_bai_cooperative_nominated):
    nomination = yen_bai_cooperative_nominated
    nomination.status = NominationStatus.ENDORSED
    nomination.save()
    snap = snapshot(now=datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC))
    wanted = f"achievement_report:{nomination.pk}"
    assert any(t.obligation == wanted for t in todos_for(make_staff("Lào Cai", 2025), snap))
    assert not any(t.obligation == wanted for t in todos_for(make_staff("Sơn La", 2025), snap))


# Scoring: last year's targets carry over to the unit a member became -------------------


def test_copying_last_years_agreement_gives_a_merged_members_target_to_its_successor():
    # A small merger built for the test: Cụm số 1 also held Hà Giang (02, merged into the
    # new Tuyên Quang on 1 July 2025) and Cao Bằng in 2024.
    cluster = cum_so_1()
    ha_giang = province_for_code("02", 2024)
    for unit in (ha_giang, province_for_code("04", 2024)):
        ClusterMembership.objects.create(
            cluster=cluster, province=unit, from_year=2024, to_year=2024
        )
    build_agreement(slug=cluster.slug, year=2024, targets={"02": 33, "04": 44}, sign=False)
    members = data_for(slug=cluster.slug, year=2025).members
    agreement_copy_last_year(cluster=cluster, year=2025, members=members, by=None)
    data = data_for(slug=cluster.slug, year=2025)
    target = leaf(data, "I.1").pk
    assert counts_as(ha_giang, 2025) == province_for_code("08", 2025)
    assert data.targets[(target, province_for_code("08", 2025).pk)] == 33
    assert data.targets[(target, province_for_code("04", 2025).pk)] == 44
