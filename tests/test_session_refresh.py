"""A page view reads the session and writes nothing; an active session is still renewed,
once per SESSION_REFRESH_INTERVAL, so it ends SESSION_COOKIE_AGE after the last activity."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster_portal.middleware import SessionRefreshMiddleware

pytestmark = pytest.mark.django_db


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


@pytest.fixture
def signed_in(client, make_staff):
    client.force_login(make_staff("Phú Thọ", 2023))
    assert client.get(reverse("home")).status_code == 200  # the first view stamps the session
    return client


def test_a_page_view_within_the_interval_writes_no_session(signed_in):
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get(reverse("home")).status_code == 200
    assert _session_writes(queries) == []
    assert "sessionid" not in signed_in.get(reverse("home")).cookies


def test_a_view_after_the_interval_pushes_the_expiry_and_the_cookie_back(signed_in, settings):
    key = signed_in.session.session_key
    session = signed_in.session
    session[SessionRefreshMiddleware.KEY] -= settings.SESSION_REFRESH_INTERVAL + 1
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(seconds=60)
    )
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get(reverse("home"))
    assert response.status_code == 200
    assert len(_session_writes(queries)) == 1
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    expiry = Session.objects.get(session_key=key).expire_date
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((expiry - expected).total_seconds()) < 30


def test_a_visitor_without_a_session_gets_none(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


def test_an_interval_not_below_the_session_age_stops_start_up(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path),
        "SESSION_COOKIE_AGE": "600",
        "SESSION_REFRESH_INTERVAL": "600",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SESSION_REFRESH_INTERVAL" in result.stderr
