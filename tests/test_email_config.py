"""E-mail settings from the environment: EMAIL_URL or the separate variables, strictly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from cluster_portal.email_config import email_settings, parse_email_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_an_smtp_url_with_starttls():
    config = parse_email_url("smtp://portal%40example.vn:p%40ss@mail.example.vn:587")
    assert config == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.vn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "portal@example.vn",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_ssl_plain_and_the_development_backends():
    assert parse_email_url("smtp+ssl://mail.example.vn")["EMAIL_PORT"] == 465
    assert parse_email_url("smtp+ssl://mail.example.vn")["EMAIL_USE_SSL"] is True
    plain = parse_email_url("smtp+plain://relay.local")
    assert (plain["EMAIL_PORT"], plain["EMAIL_USE_TLS"]) == (25, False)
    assert parse_email_url("smtp://h:2525?tls=0")["EMAIL_USE_TLS"] is False
    assert parse_email_url("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert parse_email_url("dummy:")["EMAIL_BACKEND"].endswith("dummy.EmailBackend")


@pytest.mark.parametrize(
    "url",
    ["smtps://h", "http://h", "smtp://", "smtp://h:99999", "smtp://h:port", "smtp://h?tls=maybe"],
)
def test_a_malformed_url_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url(url)


def test_defaults_console_in_development_smtp_localhost_in_production():
    assert email_settings({}, debug=True)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    production = email_settings({}, debug=False)
    assert (production["EMAIL_BACKEND"], production["EMAIL_HOST"]) == (SMTP, "localhost")


def test_the_separate_variables():
    config = email_settings(
        {"EMAIL_HOST": "mail.example.vn", "EMAIL_PORT": "465", "EMAIL_USE_SSL": "yes"},
        debug=True,
    )
    assert (config["EMAIL_BACKEND"], config["EMAIL_PORT"], config["EMAIL_USE_SSL"]) == (
        SMTP,
        465,
        True,
    )


@pytest.mark.parametrize(
    "environ, named",
    [
        ({"EMAIL_URL": "smtp://h", "EMAIL_HOST": "x"}, "EMAIL_URL"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
        ({"EMAIL_USE_TLS": "sometimes"}, "EMAIL_USE_TLS"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_SSL"),
    ],
)
def test_contradictory_or_malformed_variables_are_named(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        email_settings(environ, debug=False)


def test_start_up_with_a_bad_email_url_names_it():
    from tests.test_settings import manage

    result = manage("check", DEBUG="1", EMAIL_URL="smtps://x")
    assert result.returncode != 0 and "EMAIL_URL" in result.stderr
    assert "Traceback" not in result.stderr
