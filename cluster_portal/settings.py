"""Settings for the cluster portal, all read from the environment.

Every variable has a safe development default except in production (``DEBUG`` off), where
``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be given. A malformed value stops start-up with
a message naming the variable, rather than being silently replaced by a default.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from cluster_portal.email_config import email_settings
from cluster_portal.logging import logging_config
from cluster_portal.storage_config import storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of {', '.join(sorted(_TRUE | _FALSE))}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def dev_site_url(environ) -> str:
    """Where runserver or gunicorn listens (HOST, PORT as the Makefile passes them), as the
    address of e-mail links when SITE_URL is not set: `make run PORT=8101` links to 8101."""
    port = environ.get("PORT", "").strip() or "8000"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ImproperlyConfigured(f"PORT={port!r} is not a port number")
    host = environ.get("HOST", "").strip() or "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 - listening everywhere: so is loopback
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item or " " in item for item in items):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a comma-separated list of names (no blanks, no spaces)"
        )
    return items


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: production (DEBUG off) needs a long random SECRET_KEY"
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: production needs the site's host names")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cluster_portal.admin_access.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the portal's form renderer
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "cluster_portal",
    "provinces",
    "emulation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Every error under /api/ as an RFC 9457 problem (404, 405, 413, 500…), HEAD and OPTIONS.
    "emulation.api.middleware.ApiProblemMiddleware",
    # A path with a control character is a 404 before anything reads it (NUL: PostgreSQL).
    "cluster_portal.hardening.ControlCharacterPathMiddleware",
    # A view that loses the database: 503 with Retry-After (its process_exception).
    "cluster_portal.hardening.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cluster_portal.middleware.SessionRefreshMiddleware",
    "cluster_portal.middleware.ChosenLanguageMiddleware",
    "cluster_portal.hardening.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cluster_portal.middleware.PrivatePagesMiddleware",  # signed-in pages: no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "cluster_portal.middleware.PolicyMiddleware",  # django-csp's, the policy built once
    # django-axes wants to be last: it turns its lockout exception into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cluster_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Every form in the portal's look (Bootstrap classes, templates/forms/): one renderer.
FORM_RENDERER = "cluster_portal.form_rendering.PortalFormRenderer"

WSGI_APPLICATION = "cluster_portal.wsgi.application"

# SQLite under var/ by default; DATABASE_URL (postgres://user:pass@host:port/name) selects
# PostgreSQL in production and in CI.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    # Persistent connections WITH health checks (CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True).
    # Keeping a connection per gunicorn thread saves a PostgreSQL connection set-up (a
    # fork on the server, a few ms) on every request; the health check makes Django test a
    # reused connection once at the start of each request and reopen it if the server
    # restarted or dropped it, so no request fails once PostgreSQL is back (before this,
    # 6 of 40 requests after a restart were 500s). CONN_MAX_AGE=0 would also survive a
    # restart, at the price of a new connection per request; the health check costs
    # nothing on a fresh connection and one round trip on a reused one.
    # bench/db_restart_check.py proves it: 0 failed requests after a restart.
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                _database_url,
                conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
                conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
            )
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            # Kept open by each worker thread, as PostgreSQL's: opening one (Django
            # registers its SQL functions, the init command runs) cost 1.5-3 ms of CPU, more
            # than a whole cached download's work, on every request that reads the
            # database (bench/bench_pdf_cache.py). A file-backed SQLite connection has
            # nothing to go stale; `make restore` writes into the live file through
            # SQLite's backup API, which open connections see.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            # WAL: readers never wait for the writer, and a commit appends to the log
            # instead of syncing the whole file (synchronous=NORMAL is durable across a
            # crash of the application; only a power loss may lose the last commits).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first, as its documentation asks: it refuses a locked-out login before the
# password is even checked. Then Django's ModelBackend with the signed-in user read by one
# precompiled statement (cluster_portal.auth; sessions naming ModelBackend stay valid).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cluster_portal.auth.PortalBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_COOKIE_AGE seconds of inactivity. A page view only reads the
# session: it is written when it changes, or when SESSION_REFRESH_INTERVAL seconds have
# passed since it was last written (cluster_portal.middleware.SessionRefreshMiddleware),
# which renews the cookie and the expiry as long as the user is active.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60)
# Django's database sessions, read by one precompiled statement (cluster_portal/sessions.py).
SESSION_ENGINE = "cluster_portal.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_INTERVAL = env_int("SESSION_REFRESH_INTERVAL", 300)
if not 0 <= SESSION_REFRESH_INTERVAL < SESSION_COOKIE_AGE:
    raise ImproperlyConfigured(
        f"SESSION_REFRESH_INTERVAL={SESSION_REFRESH_INTERVAL} must be at least 0 and less "
        f"than SESSION_COOKIE_AGE={SESSION_COOKIE_AGE}"
    )

# Vietnamese first; English through the language switch. Our own format module carries
# the Vietnamese number and date conventions that Django's `vi` locale lacks.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cluster_portal.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = DEBUG
# Stored files (cluster_portal/storage_config.py): scoring evidence in the default storage,
# uploads held between an import's preview and its confirmation in "uploads"
# (provinces.spreadsheets.held); folders under VAR_DIR, or one S3-compatible bucket when
# AWS_STORAGE_BUCKET_NAME is set (more than one app server). Neither is ever served by URL:
# the portal streams evidence files to readers it has checked (emulation/scoring).
_storage = storage_settings(os.environ, var_dir=VAR_DIR, debug=DEBUG)
MEDIA_ROOT = _storage["MEDIA_ROOT"]
STORAGES = _storage["STORAGES"]

# Uploads are bounded: a request body over the limit, files included, is refused with 413
# before anything reads it (cluster_portal.hardening.RequestBodyLimitMiddleware; nginx's
# client_max_body_size says the same). Within the limit an upload stays in memory.
REQUEST_BODY_MAX_SIZE = 6 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_SIZE
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_SIZE

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# No inline script, style or event handler anywhere: everything comes from /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# One cache that every app-server process shares: Redis when REDIS_URL is set (e.g.
# redis://127.0.0.1:6379/0), else the database (table portal_cache, made by a migration,
# emulation 0013).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    if not re.fullmatch(r"rediss?://\S+|unix://\S+", REDIS_URL):
        raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not like redis://host:6379/0")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }

# Generated documents (report, scoring summary, dossier) under a stamp of what they are
# made of (cluster_portal/documents.py): files of up to a few MB, kept as files that the
# workers of this machine share, a week at most; past 500 entries a third of them go.
CACHES["documents"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": VAR_DIR / "cache" / "documents",
    "TIMEOUT": 7 * 24 * 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 500},
}

# The API (emulation/api): requests per token in each window of the clock, "N/s", "N/m"
# or "N/h". Counted with one atomic operation every process shares: Redis's INCR when
# REDIS_URL is set, else a file per token under an exclusive lock (emulation.api.security).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300/m").strip()
if not re.fullmatch(r"[1-9]\d*/(s|m|h)", API_RATE_LIMIT):
    raise ImproperlyConfigured(f"API_RATE_LIMIT={API_RATE_LIMIT!r} is not like 300/m")
RATE_LIMIT_IN_CACHE = bool(REDIS_URL)
# How long the API keeps a POST's Idempotency-Key and its answer (emulation.api.idempotency).
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24)
# Without Redis: one small file per token here, counted under an exclusive lock shared by
# every worker of the host (emulation.api.security.count_request): no database write.
API_RATE_LIMIT_DIR = Path(os.environ.get("API_RATE_LIMIT_DIR", VAR_DIR / "rate-limit"))
# Wrong API tokens per client address (emulation.api.security.TokenAuth): past this many in
# a window of the clock, the address is answered 429 before any token is looked up. Counted
# in the "throttle" cache, so that no attempt costs a database write: Redis when REDIS_URL
# is set (shared), else each process's memory (each gunicorn worker counts its own).
API_AUTH_FAILURE_LIMIT = os.environ.get("API_AUTH_FAILURE_LIMIT", "20/m").strip()
if not re.fullmatch(r"[1-9]\d*/(s|m|h)", API_AUTH_FAILURE_LIMIT):
    raise ImproperlyConfigured(
        f"API_AUTH_FAILURE_LIMIT={API_AUTH_FAILURE_LIMIT!r} is not like 20/m"
    )
CACHES["throttle"] = (
    {**CACHES["default"], "KEY_PREFIX": "throttle"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
)

# Login lockout (django-axes): five wrong passwords for one username from one address lock
# that pair for 15 minutes; a colleague behind the same office router is not affected.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "cluster_portal.hardening.client_ip"
AXES_VERBOSE = False  # only its start-up banner, printed by every manage.py command
# Behind a reverse proxy: the header carrying the client's address (nginx: X-Real-IP),
# believed only from the proxies listed.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()
if CLIENT_IP_HEADER and not CLIENT_IP_HEADER.replace("-", "").isalnum():
    raise ImproperlyConfigured(f"CLIENT_IP_HEADER={CLIENT_IP_HEADER!r} is not a header name")
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])

# Notices that a user action triggers go on a queue kept in the database (works on SQLite
# and PostgreSQL) and are sent by `manage.py db_worker` (deploy/cluster-portal-worker.service).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail: EMAIL_URL (smtp://user:password@host:587, smtp+ssl://…:465, console:, dummy:) or
# the separate EMAIL_BACKEND / EMAIL_HOST / … variables. Development prints mail on the console.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cụm thi đua LMHTX <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email = email_settings(os.environ, debug=DEBUG)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST, EMAIL_PORT = _email["EMAIL_HOST"], _email["EMAIL_PORT"]
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_USER"], _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS, EMAIL_USE_SSL = _email["EMAIL_USE_TLS"], _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = 20
# The address links in e-mails point at (no request to take it from in a background task).
# In development it follows where runserver listens (`make run HOST=… PORT=…`).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or dev_site_url(os.environ)
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://")

# Zalo (ZNS template messages, the second notice channel beside e-mail): off unless the
# Official Account's access token and the two approved template ids are set.
# ZALO_ACCESS_TOKEN: the OA's access token; ZALO_TEMPLATE_NOTICE: the template of a notice
# (its parameters: NOTICE_PARAMS in provinces/notices/zalo.py); ZALO_TEMPLATE_OTP: the
# template of the phone-confirmation code (parameter otp); ZALO_API_URL: ZNS's endpoint (a
# fake in tests); ZALO_TIMEOUT: seconds to wait for ZNS's answer.
ZALO_ACCESS_TOKEN = os.environ.get("ZALO_ACCESS_TOKEN", "").strip()
ZALO_TEMPLATE_NOTICE = os.environ.get("ZALO_TEMPLATE_NOTICE", "").strip()
ZALO_TEMPLATE_OTP = os.environ.get("ZALO_TEMPLATE_OTP", "").strip()
ZALO_API_URL = os.environ.get(
    "ZALO_API_URL", "https://business.openapi.zalo.me/message/template"
).strip()
try:
    ZALO_TIMEOUT = float(os.environ.get("ZALO_TIMEOUT", "20"))
except ValueError:
    raise ImproperlyConfigured("ZALO_TIMEOUT must be a number of seconds") from None
ZALO_ENABLED = bool(ZALO_ACCESS_TOKEN and ZALO_TEMPLATE_NOTICE and ZALO_TEMPLATE_OTP)
# ZNS's delivery reports (POST /zalo/webhook/, provinces/notices/zalo_webhook.py): the
# Zalo app's id and the OA secret key sign them (every report is refused while either is
# unset); ZALO_REPORT_WAIT: minutes a message whose send got no answer waits for its
# report before it is sent again.
ZALO_APP_ID = os.environ.get("ZALO_APP_ID", "").strip()
ZALO_OA_SECRET_KEY = os.environ.get("ZALO_OA_SECRET_KEY", "").strip()
if env_int("ZALO_REPORT_WAIT", 30) <= 0:
    raise ImproperlyConfigured("ZALO_REPORT_WAIT must be a positive number of minutes")
ZALO_REPORT_WAIT = timedelta(minutes=env_int("ZALO_REPORT_WAIT", 30))

# One key=value line per record on standard output (cluster_portal/logging.py); gunicorn's
# access log uses the same formatter (deploy/gunicorn.conf.py).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    )
LOGGING = logging_config(
    level=LOG_LEVEL, time_zone=TIME_ZONE, quiet_static=STATIC_URL if DEBUG else None
)
