"""A transactional test empties the tables after it; the reference data comes back at once
(tests/conftest.py, pytest_runtest_teardown), so the next test on the worker finds the
provinces, clusters, terms and award types whatever order the tests run in; under the keys
the demo snapshot was built on, so that the worker's next demo_data test copies it rather
than running seed_demo (tests/demo_data.py, Snapshot.restore_base)."""

import pytest

from emulation.nominations.models import AwardType
from provinces.organisation.models import Cluster, ClusterTerm, Province
from tests.demo_data import DEMO


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_empties_the_tables_after_it(demo_snapshot):
    Province.objects.update(note="")


@pytest.mark.django_db(transaction=True)
def test_the_next_test_finds_the_reference_data():
    # Transactional too, so nothing reseeds it at set-up: only the teardown hook can.
    assert Province.objects.filter(name="Sơn La").exists()
    assert Cluster.objects.exists() and ClusterTerm.objects.exists()
    assert AwardType.objects.count() >= 2
    DEMO._check_base()  # DemoMismatch: the rows came back under other keys
