"""A transactional test empties the tables after it; the reference data comes back at once
(tests/conftest.py, pytest_runtest_teardown), so the next test on the worker finds the
provinces, clusters, terms and award types whatever order the tests run in."""

import pytest

from emulation.nominations.models import AwardType
from provinces.organisation.models import Cluster, ClusterTerm, Province


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_empties_the_tables_after_it():
    Province.objects.update(note="")


@pytest.mark.django_db(transaction=True)
def test_the_next_test_finds_the_reference_data():
    # Transactional too, so nothing reseeds it at set-up: only the teardown hook can.
    assert Province.objects.filter(name="Sơn La").exists()
    assert Cluster.objects.exists() and ClusterTerm.objects.exists()
    assert AwardType.objects.count() >= 2
