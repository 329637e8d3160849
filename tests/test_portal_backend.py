"""The portal's authentication backend (cluster_portal/auth.py): Django's ModelBackend
with the signed-in user read by one precompiled statement, and every behaviour of
ModelBackend kept: the same user, inactive users and changed passwords signed out,
permissions, and sessions signed in under ModelBackend still valid."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster_portal.auth import PATH, PortalBackend, load_user
from cluster_portal.sessions import SessionStore

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def staff(make_staff):
    user = make_staff("Phú Thọ", 2023)
    User.objects.filter(pk=user.pk).update(
        first_name="Lan", email="lan@example.org", last_login=timezone.now()
    )
    return User.objects.get(pk=user.pk)


def test_the_portal_lists_it_instead_of_model_backend():
    assert PATH in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS
    assert issubclass(PortalBackend, ModelBackend)


def test_it_reads_the_user_the_orm_reads_without_the_orm(staff):
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("ORM")):
        user = PortalBackend().get_user(staff.pk)
    assert type(user) is User and user.pk == staff.pk
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(staff, field.attname), field.name
    assert type(user.is_active) is bool and user.last_login == staff.last_login
    assert user.get_session_auth_hash() == staff.get_session_auth_hash()
    assert user.get_deferred_fields() == set() and user._state.adding is False


def test_an_unknown_or_impossible_id_is_nobody(staff):
    assert load_user(staff.pk + 1000) is None
    assert load_user(99999999999999999999) is None
    assert load_user(-99999999999999999999) is None


def test_an_inactive_user_is_nobody_and_is_signed_out(client, staff):
    client.force_login(staff)
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert PortalBackend().get_user(staff.pk) is None
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_changed_password_signs_the_session_out(client, staff):
    client.force_login(staff)
    assert client.get(reverse("home")).status_code == 200
    staff.set_password("another-password-42")
    staff.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_login_names_the_portal_backend(client, staff):
    response = client.post(
        reverse("login"), {"username": staff.username, "password": "pw-for-tests"}
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == PATH


def test_a_session_signed_in_under_model_backend_stays_signed_in(client, staff):
    session = SessionStore()
    session["_auth_user_id"] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = staff.get_session_auth_hash()
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = client.get(reverse("home"))
    assert response.status_code == 200 and response.wsgi_request.user == staff
    again = client.get(reverse("home"))  # the session as the first request saved it
    assert again.status_code == 200 and again.wsgi_request.user == staff
    assert Session.objects.get(session_key=session.session_key).get_decoded()[
        BACKEND_SESSION_KEY
    ] in (PATH, "django.contrib.auth.backends.ModelBackend")


def test_a_signed_in_request_reads_its_user_in_one_query(client, staff):
    client.force_login(staff)
    client.get(reverse("home"))
    client.get(reverse("home"))  # the session's statement with its user, prepared on PostgreSQL
    table = User._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    statements = [q["sql"].replace("`", '"') for q in queries]
    prepared = [sql for sql in statements if sql.startswith("EXECUTE portal_")]  # PostgreSQL
    reads = [sql for sql in statements if f'"{table}" u' in sql] + prepared
    assert len(reads) == 1, reads
    assert prepared or "django_session" in reads[0]  # with the session (cluster_portal/sessions.py)


def test_permissions_are_model_backends(staff, admin_user):
    user = PortalBackend().get_user(staff.pk)
    assert not user.has_perm("provinces.change_yearlyfigures")
    staff.user_permissions.add(
        Permission.objects.get(codename="change_yearlyfigures", content_type__app_label="provinces")
    )
    user = PortalBackend().get_user(staff.pk)
    assert user.has_perm("provinces.change_yearlyfigures")
    assert PortalBackend().get_user(admin_user.pk).has_perm("provinces.delete_yearlyfigures")
