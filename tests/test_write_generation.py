"""The write generation (cluster_portal/write_generation.py): every committed write moves
`changed`, a write the history does not record moves `unrecorded` too, whatever path it
takes (a versioned save, a deletion, a bulk import with its history, a raw `.update()`,
`bulk_create`, `loaddata`, a data migration's model, the admin's tables, SQL through
Django's cursor); a cached document's stamp follows all of them and reads one row on a hit.
Transactional: the row moves after a commit, which the other tests never make."""

import json
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from cluster_portal import write_generation
from emulation.nominations.models import AwardType
from provinces.figures.models import YearlyFigures
from provinces.models import Disbursement, FiguresStatus
from provinces.organisation.models import Province
from provinces.organisation.reference import upsert
from provinces.spreadsheets.bulk_history import create_with_history
from tests import test_report
from tests.factories import admin_renames_an_award, make_disbursement, make_figures

pytestmark = pytest.mark.django_db(transaction=True)
known_year, tay_bac = test_report.known_year, test_report.tay_bac  # the report's fixtures
REPORT = reverse("reports:pdf", args=["tay-bac", 2023])


def generation():
    return write_generation.read(connection)


def moved(change) -> tuple[bool, bool]:
    """Whether `change()` moved `changed` and `unrecorded`."""
    make_figures("04", 2019)  # a committed write first: the row exists
    get_user_model().objects.create_user("importer", password="x")
    before = generation()
    change()
    after = generation()
    return after[0] != before[0], after[1] != before[1]


def a_figure():
    return YearlyFigures.objects.get(province__code="14", year=2023)


def save_a_figure():
    record = a_figure()
    record.htx_new += 1
    record.save()


def raw_update():
    YearlyFigures.objects.filter(pk=a_figure().pk).update(htx_new=99)


def bulk_create_without_history():
    template = a_figure()
    template.pk, template.year = None, 2011
    YearlyFigures.objects.bulk_create([template])


def import_with_history():
    template = a_figure()
    template.pk, template.year = None, 2012
    create_with_history([template], YearlyFigures, user=None, change_reason="import")


def import_with_history_by_a_user():
    template = a_figure()
    template.pk, template.year = None, 2013
    user = get_user_model().objects.get(username="importer")
    create_with_history([template], YearlyFigures, user=user, change_reason="import")


def loaddata(tmp_path):
    award = AwardType.objects.first()
    fixture = tmp_path / "awards.json"
    row = {"model": "emulation.awardtype", "pk": award.pk, "fields": {"name": "Cờ thi đua"}}
    fixture.write_text(json.dumps([row]))
    call_command("loaddata", str(fixture), verbosity=0)


def migration_upsert():
    """The reference loader as a data migration runs it: with the migration's models."""
    models = MigrationLoader(connection).project_state().apps
    province = Province.objects.get(code="14", valid_to__isnull=True)
    upsert(models.get_model("provinces", "Province"), {"pk": province.pk}, {"note": "mới"})


def seed_upsert():
    province = Province.objects.get(code="14", valid_to__isnull=True)
    upsert(Province, {"pk": province.pk}, {"note": "mới"})


def raw_sql():
    with connection.cursor() as cursor:
        cursor.execute("UPDATE provinces_yearlyfigures SET htx_new = 7 WHERE year = 2023")


def delete_a_disbursement():
    Disbursement.objects.filter(province__code="14").first().delete()


RECORDED = {
    "a save": save_a_figure,
    "a deletion": delete_a_disbursement,
    "a bulk import with its history": import_with_history_by_a_user,
    "the reference loader with the real models (seed_demo)": seed_upsert,
}
UNRECORDED = {
    "a raw .update()": raw_update,
    "bulk_create without history": bulk_create_without_history,
    "the reference loader in a data migration": migration_upsert,
    "a save of a table without history": admin_renames_an_award,
    "SQL through Django's cursor": raw_sql,
}


@pytest.mark.parametrize("change", RECORDED.values(), ids=RECORDED.keys())
def test_a_recorded_write_moves_changed_only(known_year, change):
    assert moved(change) == (True, False)


@pytest.mark.parametrize("change", UNRECORDED.values(), ids=UNRECORDED.keys())
def test_an_unrecorded_write_moves_both(known_year, change):
    assert moved(change) == (True, True)


def test_loaddata_moves_both(known_year, tmp_path):
    assert moved(lambda: loaddata(tmp_path)) == (True, True)


def test_the_fallback_bulk_import_is_recorded_too(known_year):
    assert moved(import_with_history) == (True, False)  # no user: simple_history's helper


def test_a_write_nobody_reads_and_a_rollback_move_nothing(known_year, client, make_staff):
    make_figures("04", 2019)
    staff = make_staff("Sơn La", 2023)
    before = generation()
    client.force_login(staff)  # the session, the last login, the login log
    assert generation()[1] == before[1]
    before = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        save_a_figure()
        raise RuntimeError
    assert generation() == before


def test_the_row_moves_once_per_commit_after_it(known_year):
    make_figures("04", 2019)
    before = generation()
    with transaction.atomic():
        save_a_figure()
        save_a_figure()
        assert generation() is None  # this connection has writes of its own: no memo
        with transaction.atomic():
            raw_update()
        assert write_generation.pending_token(connection) is not None
        assert write_generation.read(connection) is None
    after = generation()
    assert after[0] != before[0] and after[1] != before[1]


def test_a_savepoint_rolled_back_keeps_the_commit_hook(known_year):
    make_figures("04", 2019)
    before = generation()
    with transaction.atomic():
        try:
            with transaction.atomic():
                save_a_figure()
                raise RuntimeError
        except RuntimeError:
            pass
        raw_update()
    after = generation()
    assert after[0] != before[0] and after[1] != before[1]


# The report's cached PDF under committed writes: the memo's path.


@pytest.fixture
def renders():
    calls = []

    def render(report):
        calls.append(1)
        return f"{len(calls)}".encode()

    with mock.patch("emulation.reports.views.render_report_pdf", render):
        yield calls


def etag(client):
    response = client.get(REPORT)
    assert response.status_code == 200
    return response["ETag"]


def test_the_cached_report_follows_every_committed_write(
    known_year, client, make_staff, renders, django_assert_max_num_queries
):
    client.force_login(make_staff("Phú Thọ", 2023))
    first = etag(client)
    with django_assert_max_num_queries(5) as queries:  # session, user, reader, generation
        assert etag(client) == first
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)
    make_figures("04", 2023, status=FiguresStatus.APPROVED)  # another cluster
    make_disbursement("14", "2024-05-01", "10")  # another year
    assert etag(client) == first and len(renders) == 1
    save_a_figure()
    second = etag(client)
    assert second != first
    raw_update()
    third = etag(client)
    assert third not in (first, second)
    AwardType.objects.filter(pk=AwardType.objects.first().pk).update(name="Cờ")
    assert etag(client) not in (first, second, third)
    assert len(renders) == 4


def test_a_hit_reads_the_generation_with_the_session(
    known_year, client, make_staff, renders, django_assert_num_queries
):
    client.force_login(make_staff("Phú Thọ", 2023))
    first = etag(client)
    assert etag(client) == first  # the session's statement with its user, prepared on PostgreSQL
    with django_assert_num_queries(1) as queries:  # the session with the generation and user
        assert etag(client) == first
    sql = queries.captured_queries[0]["sql"].replace("`", '"')
    if not sql.startswith("EXECUTE portal_"):  # PostgreSQL: the statement prepared before
        assert "portal_write_generation" in sql and '"auth_user" u' in sql
    save_a_figure()  # committed between two requests: the next session read brings it
    assert etag(client) != first and len(renders) == 2


def test_the_sessions_generation_is_dropped_after_a_write_of_its_connection(
    known_year, django_assert_num_queries
):
    make_figures("04", 2019)  # a committed write: the row exists
    row = generation()
    early = write_generation.early(connection, *row)
    with django_assert_num_queries(0):
        assert write_generation.read(connection, early) == row
    save_a_figure()  # this connection wrote (and committed) since the session's read
    assert write_generation.read(connection, early) == generation() != row
    elsewhere = ("another-database", *early[1:])
    with django_assert_num_queries(1):
        write_generation.read(connection, elsewhere)
    assert write_generation.early(connection, None, None) is None  # no row yet
