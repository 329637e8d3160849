"""The session store (cluster_portal/sessions.py): Django's database sessions, read by one
precompiled statement instead of the ORM, with Django's behaviour."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from cluster_portal.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_portal_uses_it():
    assert settings.SESSION_ENGINE == "cluster_portal.sessions"


def test_a_session_is_read_back_without_the_orm():
    stored = SessionStore()
    stored["_auth_user_id"] = "7"
    stored.create()
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("ORM")):
        again = SessionStore(stored.session_key)
        assert again["_auth_user_id"] == "7"
    assert again.session_key == stored.session_key


def test_an_expired_or_unknown_session_reads_empty_and_forgets_its_key():
    stored = SessionStore()
    stored["x"] = 1
    stored.create()
    Session.objects.filter(session_key=stored.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(stored.session_key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
