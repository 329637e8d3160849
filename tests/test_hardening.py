"""Production hardening: login lockout, Content-Security-Policy, production settings,
session expiry, the request body limit, safe XML parsing, and serving with gunicorn."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from tests.waiting import wait_for_line

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 20 + "-production-secret-key-for-tests-0123456789"
OFFICE = "203.0.113.7"
HOME = "198.51.100.20"
LOCKED = "Tài khoản tạm khóa do đăng nhập sai nhiều lần, thử lại sau 15 phút"


def production_env(**extra: str) -> dict[str, str]:
    """The test run's environment without its development settings or PostgreSQL."""
    unset = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "HOST",
        "PORT",
        "WEB_CONCURRENCY",
    }
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "cluster_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "portal.example",
        **extra,
    }


# --- Login lockout (django-axes) -------------------------------------------------------


def log_in(client, username: str, password: str, ip: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def sonla(make_staff):
    return make_staff("Sơn La", 2023, username="sonla")


def fail_five_times(client, username: str = "sonla", ip: str = OFFICE) -> None:
    for _ in range(5):
        log_in(client, username, "wrong", ip)


@pytest.mark.django_db
class TestLockout:
    def test_four_wrong_passwords_still_let_the_right_one_in(self, client, sonla):
        for _ in range(4):
            assert log_in(client, "sonla", "wrong", OFFICE).status_code == 200
        assert log_in(client, "sonla", "pw-for-tests", OFFICE).status_code == 302

    def test_five_wrong_passwords_lock_the_username_from_that_address(self, client, sonla):
        fail_five_times(client)
        response = log_in(client, "sonla", "pw-for-tests", OFFICE)
        assert response.status_code == 429
        assert LOCKED in response.text
        assert "_auth_user_id" not in client.session
        # The lockout page is the portal's own page, in Vietnamese.
        assert 'lang="vi"' in response.text and "portal-navbar" in response.text
        # and it offers the password reset to whoever forgot the password
        assert f'href="{reverse("password_reset")}"' in response.text

    def test_a_colleague_behind_the_same_address_can_still_log_in(self, client, sonla, make_staff):
        make_staff("Lào Cai", 2023, username="laocai")
        fail_five_times(client)
        assert log_in(client, "laocai", "pw-for-tests", OFFICE).status_code == 302

    def test_the_same_username_from_another_address_is_not_locked(self, client, sonla):
        fail_five_times(client)
        assert log_in(client, "sonla", "pw-for-tests", HOME).status_code == 302

    def test_the_lock_lifts_after_the_cool_off(self, client, sonla):
        fail_five_times(client)
        assert log_in(client, "sonla", "pw-for-tests", OFFICE).status_code == 429
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
        assert log_in(client, "sonla", "pw-for-tests", OFFICE).status_code == 302

    def test_a_successful_login_clears_the_count(self, client, sonla):
        for _ in range(4):
            log_in(client, "sonla", "wrong", OFFICE)
        assert log_in(client, "sonla", "pw-for-tests", OFFICE).status_code == 302
        client.post(reverse("logout"))
        for _ in range(4):
            log_in(client, "sonla", "wrong", OFFICE)
        assert log_in(client, "sonla", "pw-for-tests", OFFICE).status_code == 302

    def test_behind_the_proxy_the_forwarded_address_counts(self, client, sonla, settings):
        settings.CLIENT_IP_HEADER = "X-Real-IP"
        for _ in range(5):
            client.post(
                reverse("login"),
                {"username": "sonla", "password": "wrong"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_REAL_IP=OFFICE,
            )
        locked = log_in(client, "sonla", "pw-for-tests", OFFICE)  # same address, no proxy
        assert locked.status_code == 429
        elsewhere = client.post(
            reverse("login"),
            {"username": "sonla", "password": "pw-for-tests"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP=HOME,
        )
        assert elsewhere.status_code == 302

    def test_the_forwarded_address_is_ignored_from_an_untrusted_peer(self, client, sonla, settings):
        settings.CLIENT_IP_HEADER = "X-Real-IP"
        for n in range(5):
            client.post(
                reverse("login"),
                {"username": "sonla", "password": "wrong"},
                REMOTE_ADDR=OFFICE,
                HTTP_X_REAL_IP=f"192.0.2.{n}",  # an attacker inventing addresses
            )
        assert log_in(client, "sonla", "pw-for-tests", OFFICE).status_code == 429


# --- Content-Security-Policy -----------------------------------------------------------

EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


@pytest.mark.django_db
def test_the_login_page_sends_the_content_security_policy(client):
    response = client.get(reverse("login"))
    assert policy(response["Content-Security-Policy"]) == EXPECTED_POLICY


@pytest.mark.django_db
def test_the_home_page_sends_the_content_security_policy(client, make_staff):
    client.force_login(make_staff("Phú Thọ", 2023))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert policy(response["Content-Security-Policy"]) == EXPECTED_POLICY


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
TAG = re.compile(r"<[a-z][^<>]*>", re.S | re.I)
EVENT_HANDLER = re.compile(r"\s(on[a-z]+)\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)
DATA_SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(ld\+)?json""", re.I)


def inline_code(html: str) -> list[str]:
    """What the policy above would block in a template: inline scripts, event-handler
    attributes, javascript: URLs, style attributes and <style> blocks."""
    found = []
    for attributes, body in SCRIPT.findall(html):
        if body.strip() and not DATA_SCRIPT_TYPE.search(attributes):
            found.append(f"inline <script>: {body.strip()[:60]!r}")
    for tag in TAG.findall(html):
        found += [f"event handler {name}= in {tag[:60]!r}" for name in EVENT_HANDLER.findall(tag)]
        if STYLE_ATTRIBUTE.search(tag):
            found.append(f"style attribute in {tag[:60]!r}")
    if STYLE_BLOCK.search(html):
        found.append("<style> block")
    if JAVASCRIPT_URL.search(html):
        found.append("javascript: URL")
    return found


def test_the_template_scan_finds_what_the_policy_blocks():
    assert inline_code('<script src="/static/a.js"></script><a class="x" href="/">a</a>') == []
    assert inline_code('<script type="application/json" id="d">{"a": 1}</script>') == []
    assert len(inline_code("<script>\n  alert(1);\n</script>")) == 1
    assert len(inline_code('<button class="b"\n  onclick="go()">x</button>')) == 1
    assert len(inline_code('<div style="width: 5%">')) == 1
    assert len(inline_code("<style>p { color: red }</style>")) == 1
    assert len(inline_code('<a href="javascript:void(0)">')) == 1


def test_no_template_has_inline_scripts_styles_or_event_handlers():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert templates
    problems = [
        f"{template.relative_to(ROOT)}: {problem}"
        for template in templates
        for problem in inline_code(template.read_text(encoding="utf-8"))
    ]
    assert problems == [], "Content-Security-Policy blocks these; move them to static/:\n" + (
        "\n".join(problems)
    )


# --- Production settings and sessions --------------------------------------------------

PROBE = """
import json
import django
from django.conf import settings as s
django.setup()
print(json.dumps({
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "SESSION_SAVE_EVERY_REQUEST": s.SESSION_SAVE_EVERY_REQUEST,
    "DEBUG": s.DEBUG,
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "BACKENDS": s.AUTHENTICATION_BACKENDS,
    "LAST_MIDDLEWARE": s.MIDDLEWARE[-1],
    "AXES_COOLOFF_MINUTES": s.AXES_COOLOFF_TIME.total_seconds() / 60,
}))
"""


def test_production_settings_are_secure():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_SAVE_EVERY_REQUEST"] is False  # SessionRefreshMiddleware renews
    assert values["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["LAST_MIDDLEWARE"] == "axes.middleware.AxesMiddleware"
    assert values["AXES_COOLOFF_MINUTES"] == 15


@pytest.mark.django_db
def test_a_session_idle_longer_than_its_age_is_logged_out(client, make_staff):
    client.force_login(make_staff("Phú Thọ", 2023))
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Request body limit and safe XML ---------------------------------------------------

reached = []


@csrf_exempt
def _upload_probe(request):
    reached.append(request.method)
    return HttpResponse(f"{len(request.FILES)} file(s), {len(request.POST)} field(s)")


urlpatterns = [path("upload-probe/", _upload_probe)]


@pytest.fixture
def probe():
    reached.clear()
    yield reached
    reached.clear()


@pytest.mark.urls(__name__)
def test_an_upload_within_the_limit_reaches_the_view(client, probe, settings):
    upload = SimpleUploadedFile("so-lieu.xlsx", b"x" * (settings.REQUEST_BODY_MAX_SIZE - 4096))
    response = client.post("/upload-probe/", {"file": upload})
    assert response.status_code == 200 and response.text.startswith("1 file")
    assert probe == ["POST"]


@pytest.mark.urls(__name__)
def test_an_oversize_upload_is_refused_before_the_view(client, probe, settings):
    upload = SimpleUploadedFile("so-lieu.xlsx", b"x" * (settings.REQUEST_BODY_MAX_SIZE + 1))
    response = client.post("/upload-probe/", {"file": upload})
    assert response.status_code == 413
    assert "tối đa 6 MB" in response.text
    assert probe == []


@pytest.mark.urls(__name__)
def test_an_oversize_form_body_is_refused_before_the_view(client, probe, settings):
    body = "note=" + "x" * settings.REQUEST_BODY_MAX_SIZE
    response = client.post("/upload-probe/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert probe == []


def test_upload_settings_agree(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_BODY_MAX_SIZE
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_BODY_MAX_SIZE
    nginx = (ROOT / "deploy" / "nginx-cluster-portal.conf").read_text()
    megabytes = settings.REQUEST_BODY_MAX_SIZE // (1024 * 1024)
    assert f"client_max_body_size {megabytes}m;" in nginx


def test_excel_files_are_parsed_with_defusedxml():
    import defusedxml  # noqa: F401

    assert openpyxl.DEFUSEDXML is True


# --- Serving: gunicorn and WhiteNoise in production mode -------------------------------

# The manifest storage without compression: the same names and manifest that gunicorn
# serves, without the 15 s that brotli spends on the full collectstatic (`make serve`).
FAST_COLLECTSTATIC = """
import django
from django.conf import settings
from django.core.management import call_command
django.setup()
settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
)
call_command("collectstatic", "--noinput", verbosity=0)
"""

ACCESS_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00 INFO gunicorn\.access "
    r"method=GET path=/accounts/login/ status=200 duration_ms=\d+ ",
    re.M,
)


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def fetch(url: str, timeout: float = 5):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def served(tmp_path, migrated_sqlite):
    """gunicorn with the deploy configuration, DEBUG off, on a migrated SQLite database
    (a copy of the run's `manage.py migrate`, migrated_sqlite in tests/conftest.py)."""
    port = free_port()
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 60}
    migrated_sqlite(tmp_path / "var" / "portal.sqlite3")
    collected = subprocess.run([sys.executable, "-c", FAST_COLLECTSTATIC], **run)
    assert collected.returncode == 0, collected.stderr

    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(gunicorn), "--config", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                fetch(base + "/accounts/login/", timeout=1)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + log.read_text())
                time.sleep(0.2)
        yield base, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_gunicorn_serves_pages_and_static_files_in_production_mode(served):
    base, log = served
    status, headers, body = fetch(base + "/accounts/login/")
    assert status == 200
    assert policy(headers["Content-Security-Policy"]) == EXPECTED_POLICY
    page = body.decode()
    assert "Đăng nhập" in page

    # The page links the hashed name from the manifest; WhiteNoise serves it for ever.
    stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.\w{12}\.css)"', page)
    assert stylesheet, page
    status, headers, body = fetch(base + stylesheet.group(1))
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert b"Bootstrap" in body[:200]

    wait_for_line(log, ACCESS_LINE)  # the worker writes it after the response has left

    # The service worker (issue 27) and every file it names: hashed names, all served.
    status, headers, body = fetch(base + "/sw.js")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    config = json.loads(re.match(r"self\.OFFLINE_CONFIG = (.*);\n", body.decode()).group(1))
    shell = [item["url"] for item in config["shell"]]
    for url in [config["workbox"], *config["modules"].values(), *shell]:
        assert re.search(r"\.[0-9a-f]{12}\.", url), url
        assert fetch(base + url)[0] == 200, url


def test_serve_refuses_without_a_secret_key(tmp_path):
    env = production_env(VAR_DIR=str(tmp_path / "var"), STATIC_ROOT=str(tmp_path / "static"))
    del env["SECRET_KEY"]
    result = subprocess.run(
        ["bin/serve"],
        cwd=ROOT,
        env={**env, "BIN": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "static").exists()


def test_serve_refuses_debug(tmp_path):
    result = subprocess.run(
        ["bin/serve"],
        cwd=ROOT,
        env={**production_env(), "DEBUG": "1", "BIN": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "DEBUG" in result.stderr
