"""Two people creating the same record at the same moment (a cluster-year's scoring
agreement, a province-year's figures, a nominee's report, a year's cluster term, a
borrower in the directory): both look and find none, both insert, and the database's
unique constraint lets one through. The other is refused as a stale save with the portal's
usual message, or (a borrower) takes the entry the first one made; never a database error,
never a 500.

On any database the race is simulated: the rival row is written just after this request's
checks found none (`rival_after_the_check`). On PostgreSQL it is also run for real, with
two connections in two threads (`race`).
"""

import copy
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from cluster_portal.locking import StaleRecordError
from emulation.dossiers.services import achievement_report_save
from emulation.models import AchievementReport, ScoringAgreement
from emulation.rotation.services import cluster_head_rotate
from emulation.scoring.services import ScoringError, agreement_create
from provinces.disbursements.services import borrower_find_or_create
from provinces.models import Cluster, ClusterTerm, Cooperative, Disbursement, YearlyFigures
from provinces.organisation.selectors import province_for_code
from tests.factories import GOOD_VALUES
from tests.versioned_emulation import nomination

pytestmark = pytest.mark.django_db


def rival_after_the_check(monkeypatch, model) -> list:
    """Another request inserts the same record right after this one's checks (the model's
    constraints, validated in full_clean) found none, before this one inserts: its row is
    written outside this request's savepoint, as a committed one would be."""
    real = model.validate_constraints
    written = []

    def check_then_rival(self, exclude=None):
        real(self, exclude=exclude)
        if self.pk is None and not written:
            other = copy.copy(self)
            other._state = copy.copy(self._state)
            model._default_manager.bulk_create([other])
            written.append(other)

    monkeypatch.setattr(model, "validate_constraints", check_then_rival)
    return written


def tay_bac() -> Cluster:
    return Cluster.objects.get(slug="tay-bac")


# Simulated: every database -------------------------------------------------------------


def test_two_agreements_created_at_once_the_second_is_stale(monkeypatch):
    rival = rival_after_the_check(monkeypatch, ScoringAgreement)
    with pytest.raises(ScoringError, match="vừa tạo bản ghi này cùng lúc"):
        agreement_create(cluster=tay_bac(), year=2023, by=None)
    assert rival  # (the rival's row goes with the test's savepoint, rolled back by the refusal)


def test_the_setup_page_creating_an_agreement_at_the_same_moment_is_no_500(monkeypatch, admin_user):
    client = Client()
    client.force_login(admin_user)
    rival_after_the_check(monkeypatch, ScoringAgreement)
    url = reverse("scoring:setup", args=["tay-bac", 2023])
    response = client.post(url, {"action": "new", "version": 0, "total_points": "100"})
    assert response.status_code == 302
    assert "vừa tạo bản ghi này cùng lúc" in client.get(url).text


def test_two_requests_adding_the_same_borrower_share_one_entry(monkeypatch):
    son_la = province_for_code("14", 2024)
    rival = rival_after_the_check(monkeypatch, Cooperative)
    found, created = borrower_find_or_create(province=son_la, name="HTX Chè Mộc Châu", kind="HTX")
    assert rival and (found.pk, created) == (rival[0].pk, False)
    assert Cooperative.objects.count() == 1


def test_a_disbursement_whose_new_borrower_is_added_meanwhile_is_saved(monkeypatch, admin_user):
    """Was a 500 (IntegrityError on cooperative_one_name_per_province)."""
    client = Client()
    client.force_login(admin_user)
    rival = rival_after_the_check(monkeypatch, Cooperative)
    url = reverse("disbursements:add", args=[2024, "14"])
    data = {
        "fund": "htx_dev",
        "date": "01/05/2024",
        "borrower_name": "HTX Chè Mộc Châu",
        "borrower_kind": "HTX",
        "amount": "361",
        "purpose": "Mua máy sấy chè",
        "term_months": "24",
    }
    assert client.post(url, data).status_code == 302
    assert Disbursement.objects.get().borrower_id == rival[0].pk
    assert Cooperative.objects.count() == 1


def test_figures_added_by_two_people_at_once_the_second_is_stale(monkeypatch, admin_user):
    client = Client()
    client.force_login(admin_user)
    rival_after_the_check(monkeypatch, YearlyFigures)
    url = reverse("figures:edit", args=[2024, "14"])
    typed = {code: str(value).replace(".", ",") for code, value in GOOD_VALUES.items()}
    response = client.post(url, {**typed, "seen_version": "0"})
    assert response.status_code == 409
    assert "vừa tạo bản ghi này cùng lúc" in response.text


def test_a_report_written_by_two_people_at_once_the_second_is_stale(monkeypatch):
    record = nomination("endorsed")
    rival = rival_after_the_check(monkeypatch, AchievementReport)
    with pytest.raises(StaleRecordError, match="vừa tạo bản ghi này cùng lúc"):
        achievement_report_save(nomination=record, by=None, seen_version=0, achievements="A")
    assert rival


def test_a_term_passed_by_two_admins_at_once_the_second_is_stale(monkeypatch):
    ClusterTerm.objects.filter(cluster=tay_bac(), year=2024).delete()
    rival = rival_after_the_check(monkeypatch, ClusterTerm)
    with pytest.raises(StaleRecordError, match="vừa tạo bản ghi này cùng lúc"):
        cluster_head_rotate(
            cluster=tay_bac(),
            to_year=2024,
            head=None,
            vice=None,
            replace=False,
            by=None,
            seen_version=0,
        )
    assert rival


# For real: PostgreSQL, two connections ----------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections writing at once: PostgreSQL"
)


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests empty the tables, the migrations' reference data included."""
    from emulation.demo import award_types_seed
    from provinces.demo import organisation_seed

    organisation_seed()
    award_types_seed()


def race(first, second) -> tuple[object, dict]:
    """`first` in a transaction kept open until `second`, in another thread with its own
    connection and transaction, waits on the row `first` inserted; then `first` commits.
    Returns what `first` made and {"value": ...} or {"error": ...} of `second`."""
    outcome: dict = {}

    def other():
        try:
            with transaction.atomic():
                outcome["value"] = second()
        except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
            outcome["error"] = exc
        finally:
            connection.close()

    with transaction.atomic():
        made = first()
        thread = threading.Thread(target=other)
        thread.start()
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    break  # the other insert waits for this transaction
                time.sleep(0.05)
            else:
                pytest.fail("the second request never waited on the first")
    thread.join(20)
    assert not thread.is_alive()
    return made, outcome


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_connections_creating_one_agreement(reference_data):
    def create():
        return agreement_create(cluster=tay_bac(), year=2023, by=None)

    made, outcome = race(create, create)
    assert isinstance(outcome.get("error"), ScoringError), outcome
    assert "vừa tạo bản ghi này cùng lúc" in str(outcome["error"])
    assert list(ScoringAgreement.objects.values_list("pk", flat=True)) == [made.pk]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_connections_adding_one_borrower(reference_data):
    def add():
        son_la = province_for_code("14", 2024)
        return borrower_find_or_create(province=son_la, name="HTX Chè Mộc Châu", kind="HTX")

    (made, created), outcome = race(add, add)
    assert created and "error" not in outcome, outcome
    assert (outcome["value"][0].pk, outcome["value"][1]) == (made.pk, False)
    assert Cooperative.objects.count() == 1
