"""gunicorn's settings for `make serve` (bin/serve) and the systemd unit.

Read from the environment: HOST and PORT (127.0.0.1:8000), WEB_CONCURRENCY (3 workers),
LOG_LEVEL (INFO). Every line, the access log included, goes to standard output in the
portal's key=value format (cluster_portal/logging.py).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the portal is not an installed package

from cluster_portal.logging import logging_config  # noqa: E402


def _workers() -> int:
    raw = os.environ.get("WEB_CONCURRENCY") or "3"
    if not raw.isdigit() or int(raw) < 1:
        sys.exit(f"WEB_CONCURRENCY={raw!r} is not a number of workers (1 or more)")
    return int(raw)


wsgi_app = "cluster_portal.wsgi:application"
chdir = str(ROOT)
bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
workers = _workers()
# Threads let a worker hold idle keep-alive and slow connections without blocking the
# others (the sync worker would wait on each one); the app is thread-safe.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or "4")
# Keep idle connections a little longer than a person takes between two clicks.
keepalive = 5
# Building a PDF report takes a few seconds; a stuck worker is replaced after a minute.
timeout = 60
graceful_timeout = 30
# Recycle workers now and then (memory held by a large report is given back, a leak stays
# bounded), but rarely enough that a busy portal does not pay a worker's start-up every few
# seconds.
max_requests = 20000
max_requests_jitter = 2000
# Import Django once in the master: workers start (and restart) in milliseconds.
preload_app = True


def on_starting(server):
    """WeasyPrint too (with Pango, HarfBuzz and fontconfig through cffi): the portal imports
    it only when a PDF is made, so without this every worker paid the import on its first
    PDF, and again after each recycle (bench/bench_pdf_cache.py measures it). Likewise the
    code version of the document cache (cluster_portal/documents.py)."""
    import weasyprint  # noqa: F401
    import weasyprint.text.fonts  # noqa: F401

    if server.cfg.preload_app:  # Django is loaded: hash the sources once, for every worker
        from cluster_portal.documents import code_version

        code_version()


# X-Forwarded-Proto is believed from nginx on this machine only (gunicorn's default).
forwarded_allow_ips = "127.0.0.1,::1"

# systemd manages the process; no gunicornc control socket in the service's home
# (a setting gunicorn < 25.1 does not know, and ignores).
control_socket_disable = True

accesslog = None if os.environ.get("ACCESS_LOG") == "0" else "-"
errorlog = "-"
# Same time zone as settings.TIME_ZONE: the master process does not load Django.
logconfig_dict = logging_config(
    level=(os.environ.get("LOG_LEVEL") or "INFO").strip().upper(), time_zone="Asia/Ho_Chi_Minh"
)
if accesslog is None:  # ACCESS_LOG=0 (the load benchmarks): no line per request
    logconfig_dict["loggers"]["gunicorn.access"]["level"] = "WARNING"
