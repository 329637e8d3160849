"""Generated documents (the report's PDF and Excel, the scoring summary, the award
dossier) kept under a stamp of what they are made of, so that a repeat download is a
cache read, not a new WeasyPrint render, and a browser's conditional request gets 304.

The stamp is taken before the document's data is read, and holds:
- the data: per table with history (django-simple-history, which records every write of
  the services, imports, API and admin), its number of history rows and its latest history
  date, plus the admin's log (the award types and other tables the admin alone edits).
  One query (the maxima use the history_date index, the counts read each history table's
  smallest index: milliseconds at this portal's size). A change anywhere changes it:
  coarser than per document,
  but nothing that alters a document can leave it unchanged, and a write still open in
  another transaction changes the count when it commits. A stamp read before a write
  that commits during the render only files the fresh document under an old stamp, which
  nobody asks for again;
- who reads it (`access.reader_class`): documents differ by reader (withheld records), so
  a document built for one reader is only served to readers the read rule treats alike,
  and only after the same access check passed for such a reader on the same data
  (`document_response`);
- the code version: the portal's source, templates, stylesheets, fonts and translations,
  the versions of the libraries that write the files, the static storage in use;
- the language and today's date (a draft scoring summary is dated today).

The files live in the cache named `documents` (settings: a file-based cache under
VAR_DIR, not the database cache: a dossier zip is megabytes, which the database cache
would base64 into a row and read back on every hit, and its culling would compete with
the API's rate-limit counters).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.http import http_date, quote_etag
from simple_history.models import HistoricalChanges

from cluster_portal import access

CACHE = "documents"
SOURCE_FOLDERS = ("cluster_portal", "provinces", "emulation", "templates", "locale")
SOURCE_SUFFIXES = {".py", ".html", ".mo", ".css", ".ttf"}
LIBRARIES = ("Django", "weasyprint", "openpyxl", "python-docx", "pydyf", "fonttools")


@cache
def code_version() -> str:
    """What the code makes of the same data: every source file that shapes a document,
    read once per process."""
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    roots = [base / folder for folder in SOURCE_FOLDERS]
    roots += [base / "static" / "css", base / "static" / "vendor" / "noto-serif"]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    digest.update(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    return digest.hexdigest()


@cache
def _stamp_sql() -> str:
    """One statement of scalar subqueries (the ORM would take a query per table). Only
    the models' own table names go in, quoted by the database backend."""
    quote = connection.ops.quote_name
    tables = [
        (quote(model._meta.db_table), "history_date")
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges)
    ]
    tables.append((quote(LogEntry._meta.db_table), "action_time"))
    parts = []
    for table, when in tables:
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        parts.append(f"(SELECT MAX({when}) FROM {table})")  # noqa: S608
    return "SELECT " + ", ".join(parts)


def data_stamp() -> str:
    """The state of every record a document may show, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()


def document_key(request, *, name: str, parts: tuple) -> str:
    """The stamp of document `name` (`parts`: which one) as `request.user` may read it."""
    stamp = (
        name,
        parts,
        access.reader_class(request.user),
        data_stamp(),
        code_version(),
        translation.get_language(),
        timezone.localdate().isoformat(),
    )
    return hashlib.sha256(repr(stamp).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Document:
    filename: str
    content_type: str
    content: bytes


def document_response(
    request, *, name: str, parts: tuple, make: Callable[[], Document]
) -> HttpResponse:
    """Document `name` from the cache, or made by `make` and kept; with ETag and
    Last-Modified, for the view's `conditional_page` to answer a revalidation with 304.

    `make` checks access (raising Http404 or PermissionDenied) before it reads anything
    else. A cached entry was made after that same check passed for a reader of the same
    class (`access.reader_class`) on the same data (every record the check reads has
    history), so the check would pass again: a hit skips it, a miss always runs it.
    The key is taken before `make` reads anything: a write committing in between only
    files a fresh document under a stale key, which nobody asks for again."""
    key = document_key(request, name=name, parts=parts)
    documents = caches[CACHE]
    entry = documents.get(key)
    if entry is None:
        entry = {"document": make(), "built": int(time.time())}
        documents.set(key, entry)
    document = entry["document"]
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["ETag"] = quote_etag(key)
    response["Last-Modified"] = http_date(entry["built"])
    # Kept by the browser, but asked again each time (the answer is 304 while it holds);
    # never by a shared proxy: it is one reader's document.
    response["Cache-Control"] = "private, no-cache"
    return response
