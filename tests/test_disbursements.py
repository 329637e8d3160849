import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from provinces.disbursements.selectors import disbursement_totals
from provinces.disbursements.services import borrower_find_or_create
from provinces.models import Cooperative, Disbursement, directory_key
from provinces.organisation.selectors import cluster_members, province_for_code
from tests.factories import make_disbursement

pytestmark = pytest.mark.django_db


def test_totals_per_fund_province_and_cluster():
    make_disbursement("14", "2023-03-01", "500")
    make_disbursement("14", "2023-04-01", "250,5".replace(",", "."), fund="other")
    make_disbursement("25", "2023-05-01", "1000")
    totals = disbursement_totals(provinces=cluster_members("tay-bac", 2023), year=2023)
    son_la, phu_tho = province_for_code("14", 2023), province_for_code("25", 2023)
    assert (totals.all_funds[son_la.pk].count, totals.all_funds[son_la.pk].amount) == (
        2,
        Decimal("750.5"),
    )
    assert (totals.htx_dev[son_la.pk].count, totals.htx_dev[son_la.pk].amount) == (
        1,
        Decimal("500"),
    )
    assert (totals.cluster_all.count, totals.cluster_all.amount) == (3, Decimal("1750.5"))
    assert (totals.cluster_htx_dev.count, totals.cluster_htx_dev.amount) == (2, Decimal("1500"))
    assert totals.all_funds[phu_tho.pk].count == 1


def test_a_disbursement_counts_in_its_own_year_only():
    make_disbursement("14", "2023-12-31", "100")
    make_disbursement("14", "2024-01-01", "200")
    assert (
        disbursement_totals(
            provinces=cluster_members("tay-bac", 2023), year=2023
        ).cluster_all.amount
        == 100
    )
    assert (
        disbursement_totals(
            provinces=cluster_members("tay-bac", 2024), year=2024
        ).cluster_all.amount
        == 200
    )


def test_a_merged_provinces_disbursement_belongs_to_the_unit_valid_on_its_date():
    march = make_disbursement("15", "2025-03-01", "300", borrower="HTX Suối Giàng")
    september = make_disbursement("15", "2025-09-01", "400", borrower="HTX Suối Giàng")
    assert march.province.name == "Yên Bái"
    assert september.province.name == "Lào Cai" and september.province.valid_from.year == 2025
    # The directory entry made for Yên Bái serves the merged Lào Cai too.
    assert september.borrower == march.borrower
    # In 2025 the merged Lào Cai carries its predecessors' disbursements of the year.
    totals = disbursement_totals(provinces=cluster_members("mien-nui-phia-bac-1", 2025), year=2025)
    assert totals.all_funds[september.province.pk].amount == 700
    assert totals.cluster_all.count == 2


def test_a_disbursement_recorded_against_a_unit_not_valid_on_its_date_is_refused():
    yen_bai = province_for_code("15", 2024)
    borrower = Cooperative.objects.create(
        province=yen_bai, name="HTX A", name_key="htx a", kind="HTX"
    )
    disbursement = Disbursement(
        province=yen_bai,
        fund="htx_dev",
        date=datetime.date(2025, 9, 1),
        borrower=borrower,
        amount=1,
    )
    with pytest.raises(ValidationError, match="không có hiệu lực vào ngày 01/09/2025"):
        disbursement.full_clean()


def test_a_province_outside_every_cluster_that_year_is_refused():
    cao_bang = province_for_code("04", 2023)
    borrower = Cooperative.objects.create(
        province=cao_bang, name="HTX B", name_key="htx b", kind="HTX"
    )
    disbursement = Disbursement(
        province=cao_bang,
        fund="htx_dev",
        date=datetime.date(2023, 5, 1),
        borrower=borrower,
        amount=1,
    )
    with pytest.raises(ValidationError, match="không là thành viên cụm thi đua nào năm 2023"):
        disbursement.full_clean()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("0")}, "amount"),
        ({"fund": "bank"}, "fund"),
        ({"date": datetime.date(2099, 1, 1)}, "date"),
    ],
)
def test_bad_disbursements_are_refused(changes, field):
    son_la = province_for_code("14", 2024)
    borrower = Cooperative.objects.create(
        province=son_la, name="HTX C", name_key="htx c", kind="HTX"
    )
    values = {
        "province": son_la,
        "fund": "htx_dev",
        "date": datetime.date(2024, 5, 1),
        "borrower": borrower,
        "amount": 10,
    }
    disbursement = Disbursement(**{**values, **changes})
    with pytest.raises(ValidationError) as caught:
        disbursement.full_clean()
    assert field in caught.value.message_dict


def test_the_directory_matches_names_without_case_or_accents():
    assert directory_key("HTX Nông nghiệp Bản Lướt") == directory_key("htx  nong nghiep ban luot")
    assert directory_key("Đồng Tâm") == "dong tam"
    son_la = province_for_code("14", 2024)
    first, created = borrower_find_or_create(
        province=son_la, name="HTX Nông nghiệp Bản Lướt", kind="HTX"
    )
    again, created_again = borrower_find_or_create(
        province=son_la, name="htx nong nghiep ban luot", kind="HTX"
    )
    assert created and not created_again and first == again
    assert Cooperative.objects.count() == 1


def test_the_directory_refuses_two_entries_with_one_name():
    son_la = province_for_code("14", 2024)
    borrower_find_or_create(province=son_la, name="HTX Mường Tấc", kind="HTX")
    duplicate = Cooperative(province=son_la, name="htx muong tac", kind="HTX")
    with pytest.raises(ValidationError, match="trùng tên"):
        duplicate.full_clean()


def test_history_keeps_every_change_of_a_disbursement():
    disbursement = make_disbursement("14", "2024-05-01", "100")
    disbursement.amount = Decimal("120")
    disbursement.save()
    assert [
        h.amount for h in Disbursement.history.filter(id=disbursement.pk).order_by("history_id")
    ] == [
        100,
        120,
    ]
