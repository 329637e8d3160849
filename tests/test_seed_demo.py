import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from provinces.models import ClusterMembership, ClusterTerm, Province, StaffProfile

pytestmark = pytest.mark.django_db

STAFF = {"phutho", "laocai", "yenbai", "sonla", "hoabinh", "laichau", "dienbien"}
DEMO_CLUSTER_STAFF = {"thanhhoa", "nghean", "hatinh"}  # the illustrative cluster's


def counts() -> tuple[int, ...]:
    User = get_user_model()
    return tuple(
        model.objects.count()
        for model in (User, StaffProfile, Province, ClusterMembership, ClusterTerm)
    )


@override_settings(DEBUG=False)
def test_force_overrides_the_refusal_and_creates_admin_and_one_staff_user_per_province():
    # One run of the command (about 5 s) for both. With DEBUG on and no --force it builds
    # the demo snapshots (demo_data, seed_demo_again: tests/demo_data.py).
    call_command("seed_demo", force=True, password="secret-demo")
    User = get_user_model()
    usernames = set(User.objects.values_list("username", flat=True))
    assert (
        STAFF | {"admin", "caobang", "tuyenquang", "langson", "vca"} | DEMO_CLUSTER_STAFF
        == usernames
    )
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="phutho").check_password("secret-demo")
    assert User.objects.get(username="sonla").staff_profile.province.code == "14"


@override_settings(DEBUG=False)
def test_it_refuses_when_debug_is_off_and_changes_nothing():
    before = counts()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert counts() == before


def test_demo_staff_follow_the_merger(demo_data):
    yen_bai = get_user_model().objects.get(username="yenbai").staff_profile.province
    assert yen_bai.name == "Yên Bái" and yen_bai.unit_in(2025).name == "Lào Cai"


def test_it_adds_demo_figures_in_every_state_and_a_second_run_changes_nothing(
    seed_demo_again,
):
    from provinces.models import YearlyFigures

    def first_run():
        by_year = {y: YearlyFigures.objects.filter(year=y).count() for y in (2023, 2024, 2025)}
        statuses = set(YearlyFigures.objects.values_list("status", flat=True))
        return by_year, statuses, counts(), YearlyFigures.history.count()

    # The demo, then `seed_demo` a second time with the default password.
    by_year, statuses, first, history = seed_demo_again(first_run)

    # Tây Bắc's seven and the illustrative cluster's three in 2023 and 2024; one 2025
    # member has entered nothing yet
    assert by_year == {2023: 10, 2024: 10, 2025: 7}
    assert statuses == {"draft", "submitted", "returned", "approved"}
    assert counts() == first
    assert get_user_model().objects.get(username="laocai").check_password("demo")
    assert YearlyFigures.objects.count() == 27 and YearlyFigures.history.count() == history
    for figures in YearlyFigures.objects.all():
        figures.full_clean()


def test_the_demo_has_a_national_user_and_an_illustrative_second_cluster(demo_data):
    from emulation.nominations.models import Nomination
    from emulation.scoring.models import ScoringAgreement
    from provinces.models import Cluster, YearlyFigures

    vca = get_user_model().objects.get(username="vca")
    assert vca.staff_profile.national and vca.staff_profile.province is None
    assert vca.email == "vca@demo.invalid" and vca.check_password("demo")
    cluster = Cluster.objects.get(slug="vi-du-bac-trung-bo")
    assert "(dữ liệu minh hoạ)" in cluster.name
    members = {m.province.name for m in ClusterMembership.objects.filter(cluster=cluster)}
    assert members == {"Thanh Hóa", "Nghệ An", "Hà Tĩnh"}
    assert ClusterTerm.objects.filter(cluster=cluster).count() == 2
    for year in (2023, 2024):
        records = YearlyFigures.objects.filter(province__memberships__cluster=cluster, year=year)
        assert sorted(records.values_list("status", flat=True)) == ["approved"] * 3
    assert ScoringAgreement.objects.get(cluster=cluster, year=2024).result_recorded
    nomination = Nomination.objects.get(cluster=cluster, year=2024)
    assert nomination.nominee_alliance.name == "Thanh Hóa"
    assert nomination.achievement_report.is_submitted
