import pytest

from provinces.models import Province
from provinces.organisation.selectors import province_for_code

pytestmark = pytest.mark.django_db


def test_code_15_means_yen_bai_in_2023_and_lao_cai_in_2025():
    assert province_for_code("15", 2023).name == "Yên Bái"
    assert province_for_code("15", 2025).name == "Lào Cai"


def test_code_10_means_nothing_in_2026():
    assert province_for_code("10", 2026) is None
    assert province_for_code("10", 2024).name == "Lào Cai"


def test_year_is_pinned_to_31_december():
    # Phú Thọ merged on 1 July 2025: a 2025 row means the merged unit, not the old one.
    assert province_for_code("25", 2025).valid_from.isoformat() == "2025-07-01"
    assert province_for_code("25", 2024).valid_to.isoformat() == "2025-06-30"


def test_unknown_code_resolves_to_nothing():
    assert province_for_code("99", 2023) is None


def test_merged_units_link_to_their_successor():
    new_phu_tho = province_for_code("25", 2025)
    predecessors = {p.name for p in new_phu_tho.predecessors.all()}
    assert predecessors == {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"}


def test_a_unit_follows_its_merger_forward():
    yen_bai = province_for_code("15", 2023)
    assert yen_bai.unit_in(2023) == yen_bai
    assert yen_bai.unit_in(2025) == province_for_code("15", 2025)
    assert province_for_code("15", 2025).unit_in(2023) is None


def test_reference_data_is_loaded_on_migrate():
    assert Province.objects.count() == 15
    assert Province.objects.filter(valid_to__isnull=True).count() == 8
