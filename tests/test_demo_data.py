"""The demo snapshot (tests/demo_data.py): a restore puts back exactly the rows `seed_demo`
made, beside the rows a test made first, and falls back to seeding when the reference rows
it was built on are gone."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model

from provinces.models import Province, YearlyFigures
from tests.demo_data import OFFSET, _capture

pytestmark = pytest.mark.django_db


def test_a_restore_gives_back_every_row_the_seed_made(demo_snapshot):
    demo_snapshot.restore()
    now = _capture()
    assert demo_snapshot.tables and sum(len(t.rows) for t in demo_snapshot.tables) > 1000
    for table in demo_snapshot.tables:
        pk = table.columns.index(table.model._meta.pk.column)
        rows = now[table.name][1]
        assert [rows.get(row[pk]) for row in table.rows] == table.rows, table.name
    assert YearlyFigures.objects.count() == 27  # 21 of the two clusters, 6 illustrative


def test_rows_a_test_made_first_stay_beside_the_demo(admin_user, demo_data):
    users = get_user_model().objects
    assert users.filter(username="root").exists() and users.filter(username="admin").exists()
    assert users.get(username="admin").pk > OFFSET  # the demo's keys start there
    assert users.get(username="root").pk == admin_user.pk


def test_without_the_reference_rows_it_was_built_on_it_seeds_for_real(demo_snapshot):
    Province.objects.filter(code="14").update(name="Sơn La (đổi)")
    with mock.patch.object(demo_snapshot, "seed_now") as seed_now:
        demo_snapshot.restore()
    seed_now.assert_called_once()
    assert not get_user_model().objects.filter(username="admin").exists()
