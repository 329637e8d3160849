"""A newcomer's first hour: `make run PORT=…` links e-mails to that port, the demo users
have addresses so the console shows the journey's e-mails, the console is not buried in
static-file lines, and the README needs nothing outside the repository."""

import io
import logging
import logging.config
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from cluster_portal.logging import logging_config

ROOT = Path(__file__).resolve().parent.parent


def settings_in(**environ) -> str:
    """SITE_URL as a fresh process with this environment reads it."""
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    env.update(environ, DJANGO_SETTINGS_MODULE="cluster_portal.settings")
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_site_url_follows_the_port_of_make_run():
    assert settings_in(DEBUG="1", PORT="8101") == "http://127.0.0.1:8101"
    assert settings_in(DEBUG="1") == "http://127.0.0.1:8000"
    assert settings_in(DEBUG="1", HOST="0.0.0.0", PORT="8231") == "http://127.0.0.1:8231"
    assert settings_in(DEBUG="1", HOST="localhost", PORT="9000") == "http://localhost:9000"


def test_an_explicit_site_url_wins_and_a_bad_port_is_named():
    assert settings_in(DEBUG="1", PORT="8101", SITE_URL="https://cum.example.vn/") == (
        "https://cum.example.vn"
    )
    assert "PORT='80x1' is not a port number" in settings_in(DEBUG="1", PORT="80x1")


@pytest.mark.django_db
def test_every_demo_user_has_an_address_that_never_receives_mail(demo_data):
    users = get_user_model().objects.filter(pk__gte=1_000_000)
    addresses = dict(users.values_list("username", "email"))
    assert addresses["phutho"] == "phutho@demo.invalid"
    assert addresses["admin"] == "admin@demo.invalid"
    assert len(addresses) == 15  # admin, 13 provinces' staff, vca (national)
    assert all(email == f"{name}@demo.invalid" for name, email in addresses.items())


@pytest.mark.django_db
def test_seed_demo_keeps_an_address_changed_since(demo_data):
    from django.core.management import call_command

    get_user_model().objects.filter(username="sonla").update(email="me@example.org")
    call_command("seed_demo", force=True, stdout=io.StringIO())
    users = get_user_model().objects
    assert users.get(username="sonla").email == "me@example.org"
    assert users.get(username="laocai").email == "laocai@demo.invalid"


def _runserver_lines(config: dict) -> str:
    """What the console shows of runserver's request lines under `config`."""
    from django.conf import settings

    out = io.StringIO()
    server = logging.getLogger("django.server")
    server.filters.clear()  # dictConfig adds filters to a logger, never removes them
    logging.config.dictConfig(config)
    logging.getLogger().handlers[0].setStream(out)
    try:
        for line, status in [
            ("GET /static/css/portal.css HTTP/1.1", "200"),
            ("GET /static/vendor/bootstrap/bootstrap.min.css HTTP/1.1", "304"),
            ("GET /static/css/missing.css HTTP/1.1", "404"),
            ("GET /figures/2024/14/ HTTP/1.1", "200"),
            ("POST /static-looking/ HTTP/1.1", "302"),
        ]:
            server.info('"%s" %s %s', line, status, "10", extra={"status_code": int(status)})
    finally:
        server.filters.clear()
        logging.config.dictConfig(settings.LOGGING)
    return out.getvalue()


def test_the_development_console_shows_no_line_per_static_file():
    quiet = _runserver_lines(logging_config(quiet_static="/static/"))
    assert "portal.css" not in quiet and "bootstrap.min.css" not in quiet
    assert "/static/css/missing.css" in quiet  # an error still shows
    assert "/figures/2024/14/" in quiet and "/static-looking/" in quiet
    loud = _runserver_lines(logging_config())  # production: gunicorn's log, unchanged
    assert "portal.css" in loud


def test_development_settings_quiet_static_files():
    code = (
        "from django.conf import settings; "
        "print(settings.LOGGING['loggers']['django.server'].get('filters'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "cluster_portal.settings"
    dev = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DEBUG": "1"},
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert dev.stdout.strip() == "['quiet_static']"


README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_cites_nothing_outside_the_repository():
    assert not re.search(r"\.\./", README)
    assert "../shared" not in README and "/work/" not in README
    article = "Liên minh HTX 7 tỉnh Tây Bắc: tổ chức Hội nghị giao ban và tổng kết công tác"
    assert article in " ".join(README.split()) and "30/11/2023" in README


def test_the_readme_names_the_system_packages_of_a_bare_debian():
    (line,) = [line for line in README.splitlines() if line.startswith("sudo apt-get install")]
    packages = set(line.split()[3:])
    # Python with venv and make for `make run`; WeasyPrint's Pango (with HarfBuzz and
    # fontconfig); gettext for `make messages`.
    assert {"python3", "python3-venv", "make", "libpango-1.0-0", "libpangoft2-1.0-0"} <= packages
    assert {"libharfbuzz0b", "libharfbuzz-subset0", "libfontconfig1", "gettext"} <= packages
    assert "password reset" in README.lower() or "quên mật khẩu" in README.lower()
