"""A signed-in request reads the database once (cluster_portal/sessions.py): the session's
statement brings the write generation and the user the process last saw in that session
(cluster_portal/auth.py, `read_with` and `offer`), prepared once per PostgreSQL connection
(cluster_portal/prepared.py), and stands for Django's health check of a kept connection.

Nothing about the user is kept between requests, only whom to read: with the process's
memory of the session warm, a deactivated user, a session signed out elsewhere, a changed
password, a profile moved to another province and a chair who lost the chair are each
refused on their very next request."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster_portal import prepared, sessions, write_generation
from cluster_portal.auth import PATH, load_user
from cluster_portal.sessions import SessionStore
from provinces.organisation.models import ClusterTerm, Province, StaffProfile
from tests import test_report
from tests.test_document_cache import PREVIEW, REPORT, Renders

pytestmark = pytest.mark.django_db
known_year, tay_bac = test_report.known_year, test_report.tay_bac  # the report's fixtures
User = get_user_model()
PDF = REPORT["pdf"]


@pytest.fixture
def renders():
    fake = Renders()
    with mock.patch("emulation.reports.views.render_report_pdf", fake.report):
        yield fake


@pytest.fixture
def chair(make_staff, client, known_year, renders):
    """Phú Thọ's staff (the chair of Tây Bắc in 2023), signed in once on `client`, who
    has downloaded the report and its preview: the process knows whom the session names."""
    user = make_staff("Phú Thọ", 2023)
    client.force_login(user)
    assert client.get(PDF).status_code == 200 and client.get(PREVIEW).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert sessions._signed_in[key] == str(user.pk)  # warm
    return user


def signed_out(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db(transaction=True)  # committed: the stamp takes the generation's row
def test_a_hit_reads_the_session_the_generation_and_the_user_in_one_statement(
    client, chair, django_assert_num_queries
):
    client.get(PDF)  # the generation's row read with the session
    with django_assert_num_queries(1) as queries:
        response = client.get(PDF)
    assert response.status_code == 200 and response.wsgi_request.user == chair
    sql = queries.captured_queries[0]["sql"].replace("`", '"')
    if connection.vendor == "postgresql":  # prepared on the connection before: its name
        assert sql.startswith("EXECUTE portal_")
    else:
        assert "django_session" in sql and write_generation.TABLE in sql and '"auth_user" u' in sql
    assert response.wsgi_request.user._profile_ids == (
        StaffProfile.objects.get(user=chair).province_id,
        False,
    )


def test_a_deactivated_user_is_signed_out_on_the_next_request(client, chair):
    User.objects.filter(pk=chair.pk).update(is_active=False)
    assert signed_out(client.get(PDF))
    assert signed_out(client.get(PDF, headers={"if_none_match": '"anything"'}))


def test_a_session_signed_out_elsewhere_reads_nothing(client, chair):
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).delete()  # signed out in another process
    assert signed_out(client.get(PDF))
    assert signed_out(client.get(PREVIEW))


def test_a_changed_password_signs_the_session_out(client, chair):
    chair.set_password("another-password-42")
    chair.save()
    assert signed_out(client.get(PDF))


def test_a_deleted_user_is_nobody(client, chair):
    User.objects.filter(pk=chair.pk).delete()
    assert signed_out(client.get(PDF))


def test_a_profile_moved_out_of_the_cluster_is_refused(client, chair, renders):
    outside = Province.objects.valid_in(2023).get(name="Cao Bằng")  # not of Tây Bắc
    StaffProfile.objects.filter(user=chair).update(province=outside)
    assert client.get(PDF).status_code == 404
    assert client.get(PDF, headers={"if_none_match": '"anything"'}).status_code == 404
    StaffProfile.objects.filter(user=chair).delete()
    assert client.get(PDF).status_code == 404
    assert renders.calls == 2  # the report and the preview, before


def test_a_chair_who_loses_the_chair_is_refused_the_preview(client, chair):
    cached = client.get(PREVIEW)
    assert cached.status_code == 200
    term = ClusterTerm.objects.get(cluster__slug="tay-bac", year=2023)
    term.head, term.vice = term.vice, term.head  # the flag passed on: Phú Thọ is vice-head
    term.save()
    assert client.get(PREVIEW).status_code == 403
    assert client.get(PREVIEW, headers={"if_none_match": cached["ETag"]}).status_code == 403
    assert client.get(PDF).status_code == 200


def test_a_session_that_now_names_another_user_gets_that_user(client, chair, make_staff):
    other = make_staff("Sơn La", 2023)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = SessionStore(key)
    store.load()
    store[SESSION_KEY] = str(other.pk)
    store["_auth_user_hash"] = other.get_session_auth_hash()
    store.save()  # the process still expects the chair in this session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PDF)
    assert response.status_code == 200 and response.wsgi_request.user == other
    users = [q for q in queries if 'FROM "auth_user" u' in q["sql"].replace("`", '"')]
    assert len(users) == 1  # the offered row was the chair's: the user read by itself
    assert sessions._signed_in[key] == str(other.pk)


def test_the_offered_row_serves_only_its_user_and_once(chair):
    user = load_user(chair.pk)  # nothing offered: its own statement
    assert user.pk == chair.pk
    row = connection.portal_user
    assert row is None
    from cluster_portal import auth

    sql, names, *_ = auth._statement(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"pk": chair.pk})
        fetched = cursor.fetchone()
    auth.offer(connection, chair.pk, fetched)
    with CaptureQueriesContext(connection) as queries:
        assert load_user(chair.pk).username == chair.username
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert load_user(chair.pk).username == chair.username  # taken once: read again
    assert len(queries) == 1
    auth.offer(connection, chair.pk, fetched)
    User.objects.filter(pk=chair.pk).update(first_name="Lan")  # written since: not taken
    assert load_user(chair.pk).first_name == "Lan"
    auth.offer(connection, chair.pk, fetched)
    assert load_user(chair.pk + 1) is None  # another user: its own statement


def test_a_session_named_by_model_backend_is_read_as_before(client, chair):
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    sessions._signed_in.pop(key)
    store = SessionStore(key)
    store.load()
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store.save()
    assert client.get(PDF).wsgi_request.user == chair
    assert sessions._signed_in[key] == str(chair.pk)  # read as the portal's backend (PATH)
    assert SessionStore(key).load()["_auth_user_backend"] == PATH


def test_the_memory_of_sessions_is_bounded(monkeypatch):
    monkeypatch.setattr(sessions, "SIGNED_IN_KEPT", 3)
    sessions._signed_in.clear()
    for number in range(8):
        store = SessionStore()
        store[SESSION_KEY] = str(number)
        store["_auth_user_backend"] = PATH
        store.create()
        SessionStore(store.session_key).load()
        assert len(sessions._signed_in) <= 3


# The statement is the connection's health check.


@pytest.mark.django_db(transaction=True)
def test_the_read_stands_for_the_health_check_and_reopens_a_dead_connection(client, make_staff):
    user = make_staff("Phú Thọ", 2023)
    client.force_login(user)
    client.get(reverse("home"))
    connection.ensure_connection()
    connection.health_check_enabled, connection.health_check_done = True, False
    wrapper = type(connections["default"])
    with mock.patch.object(wrapper, "is_usable", side_effect=AssertionError("checked")):
        store = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
        assert store.load()[SESSION_KEY] == str(user.pk)  # no SELECT 1 before it
    assert connection.health_check_done
    connection.health_check_done = False
    real = prepared.execute
    calls = []

    def dead_once(cursor, sql, params):
        calls.append(sql)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(cursor, sql, params)

    with (
        mock.patch.object(prepared, "execute", dead_once),
        mock.patch.object(connection, "close", wraps=connection.close) as close,
    ):
        store = SessionStore(store.session_key)
        assert store.load()[SESSION_KEY] == str(user.pk)
    assert len(calls) == 2 and close.call_count == 1
    connection.health_check_enabled = settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]


def test_a_failure_inside_a_transaction_is_not_retried(client, chair):
    connection.health_check_enabled, connection.health_check_done = True, False
    try:
        with (
            mock.patch.object(prepared, "execute", side_effect=OperationalError("gone")),
            pytest.raises(OperationalError),
        ):
            SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value).load()
    finally:
        connection.health_check_enabled = settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="PostgreSQL"
)
def test_a_backend_killed_between_requests_is_replaced(client, make_staff):
    user = make_staff("Phú Thọ", 2023)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    other = connections.create_connection("default")
    try:
        backend = connection.connection.info.backend_pid
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        # A new request: the check is due (the test client leaves out close_old_connections).
        connection.health_check_enabled, connection.health_check_done = True, False
        response = client.get(reverse("home"))
        assert response.status_code == 200 and response.wsgi_request.user == user
        assert connection.connection.info.backend_pid != backend
    finally:
        other.close()
        connection.health_check_enabled = settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]


# Prepared once per PostgreSQL connection.


def test_reads_only_are_prepared_and_the_generation_takes_them_for_reads():
    with pytest.raises(ValueError, match="only reads"):
        prepared._form("UPDATE auth_user SET first_name = %(name)s")
    name, prepare, run = prepared._form("SELECT %(a)s, %(b)s, %(a)s")
    assert prepare == f"PREPARE {name} AS SELECT $1, $2, $1"
    assert run == f"EXECUTE {name}(%(a)s, %(b)s)"
    assert write_generation.classify(prepare) is None
    assert write_generation.classify(run) is None


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="PostgreSQL"
)
def test_the_statement_is_prepared_once_per_connection(client, chair):
    sql = "SELECT %(a)s::int + 1"
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        for _ in range(3):
            prepared.execute(cursor, sql, {"a": 41})
            assert cursor.fetchone() == (42,)
    assert [q["sql"].split()[0] for q in queries] == ["PREPARE", "EXECUTE", "EXECUTE", "EXECUTE"]
    assert len(prepared.on(connection)) >= 2  # the session's and this one
    kept = connection.portal_prepared
    try:
        with mock.patch.object(connection, "connection", object()):  # reconnected
            assert prepared.on(connection) == set()
    finally:
        connection.portal_prepared = kept  # the real connection's, for the next tests
