"""The demo: after `seed_demo`, Tây Bắc 2023 has the article's nominations with their
achievement texts and a recorded scoring meeting (issue 13's demo), so its dossier is
complete; running the seed again changes nothing."""

import pytest

from emulation.dossiers.documents import submission_letter
from emulation.dossiers.selectors import dossier_for
from emulation.models import AchievementReport
from provinces.models import Cluster

pytestmark = pytest.mark.django_db

# The recorded result comes from the scoring package's own demo.


def test_the_tay_bac_2023_dossier_is_complete_after_seed_demo(demo_data):
    dossier = dossier_for(Cluster.objects.get(slug="tay-bac"), 2023)
    assert [m.text for m in dossier.missing] == []
    assert dossier.scoring.recorded
    assert dossier.scoring.ranking[0].province.name == "Phú Thọ"
    flag, merit = dossier.groups
    assert [n.short_name for n in flag[1]] == [
        "Liên minh Hợp tác xã tỉnh Phú Thọ",
        "Hợp tác xã Dịch vụ nông nghiệp và điện năng Vĩnh Lại",
        "Hợp tác xã Dịch vụ tổng hợp Thắng Lợi",
    ]
    assert len(merit[1]) == 7  # the article's five collectives, a person, a household
    assert flag[1][0].result.rank == 1
    assert "Liên minh Hợp tác xã tỉnh Phú Thọ" in submission_letter(dossier).text


def test_seeding_twice_writes_each_report_once(seed_demo_again):
    seed_demo_again()
    assert AchievementReport.objects.filter(nomination__year=2023).count() == 10
    assert not AchievementReport.objects.filter(status="draft").exists()
