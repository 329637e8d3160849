"""Generated documents (the report's PDF and Excel, the scoring summary, the award
dossier) kept under a stamp of what they are made of, so that a repeat download is a
cache read, not a new WeasyPrint render, and a browser's conditional request gets 304.

The stamp is taken before the document's data is read, and holds:
- the data, per document: the view lists its sources, one history queryset per kind of
  record the document reads, filtered to the cluster-year (`history_of`), and the admin's
  log for the few tables only the admin edits, which keep no history (`admin_log`). Of
  each: the number of history rows and the largest history id, all in one query
  (`data_stamp`). The history (django-simple-history) records every write of the
  services, imports, API and admin, a deletion too, and is only ever appended to: a write
  that changes what the document reads adds a row to its sources; a write elsewhere (another
  cluster, another year) adds none. `history_of` counts every history row of each record
  that was ever in the filter, so a record moved out of it (a disbursement re-dated into another
  year) changes the stamp too. A write still open in another transaction changes the count
  when it commits; a stamp read before a write that commits during the render only files
  the fresh document under an old stamp, which nobody asks for again;
- who reads it (`access.reader_class`): some documents differ by reader (the scoring
  summary before the meeting; the annual report itself is the same for every reader, its
  working preview is the chair's and admins'), and a hit skips the access check, so a
  document is only shared between readers the read rules treat alike;
- the code version: the portal's source, templates, stylesheets, fonts and translations,
  the versions of the libraries that write the files, the static storage in use;
- the language and today's date (a draft scoring summary is dated today).

The history counts are kept per process while the write generation holds
(cluster_portal/write_generation.py, `stamp_memo`): every commit that writes replaces its
`changed` value, after which each process counts its documents' sources again on their
next request (a write in another cluster gives the same counts, so the same stamp); a
write the history does not see (a raw `.update()`, `bulk_create`, `loaddata`, a
migration, a table without history) replaces its `unrecorded` value, which every stamp
holds. A hit is one query: the session with the generation's row
(cluster_portal/sessions.py, `write_generation.read_with`) and the user with the reader's
province (cluster_portal/auth.py, `read_with`), prepared on PostgreSQL; then the kept
file's status. The access check runs on a miss
only (`document_response`): the sources of each document hold every record its check
reads, so the check passed for this reader's class on this very state of them.

The files live in the cache named `documents` (settings: a file-based cache under
VAR_DIR, not the database cache: a dossier zip is megabytes, which the database cache
would base64 into a row and read back on every hit, and its culling would compete with
the API's rate-limit counters).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.http import http_date, quote_etag

from cluster_portal import access, write_generation

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
    roots += [base / "static" / "css", base / "static" / "vendor" / "tinos"]
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


def history_of(model, *args, **filters) -> QuerySet:
    """The history rows of every record of `model` that was ever in `filters` (its history
    rows that match them): what a document reads of `model`, and whatever was moved out."""
    history = model.history.model
    key = model._meta.pk.attname
    ever_in = history.objects.filter(*args, **filters).values(key)
    return history.objects.filter(**{f"{key}__in": ever_in})


def admin_log(*models) -> QuerySet:
    """The admin's log of `models`: tables the admin alone edits, which keep no history."""
    types = [ContentType.objects.get_for_model(model) for model in models]  # cached
    return LogEntry.objects.filter(content_type__in=types)


def stamp_statement(sources: Iterable[QuerySet]) -> tuple[str, dict]:
    """One statement for `sources`: a UNION ALL of one aggregate per source (its number of
    rows and its largest id, each on the source's own indexes), and its parameters."""
    parts, params = [], []
    for number, source in enumerate(sources):
        pk = source.model._meta.pk.column
        sql, source_params = source.order_by().values_list(pk).query.sql_with_params()
        parts.append(
            f"SELECT {number}, COUNT(*), MAX(s{number}.{pk}) FROM ({sql}) s{number}"  # noqa: S608
        )
        params.extend(source_params)
    return _named(" UNION ALL ".join(parts), params)


_PLACEHOLDER = re.compile(r"(?<!%)%s")


def _named(sql: str, params: list) -> tuple[str, dict]:
    """`sql` with its placeholders named (`%(p0)s`, …) and `params` as a mapping: SQLite's
    backend then turns them into its own by one `%` formatting, where positional ones go
    through a regular expression over the whole statement (0.4 ms of every cached
    download, more than running it); PostgreSQL's driver takes either."""
    names = iter(range(len(params)))
    named = _PLACEHOLDER.sub(lambda _: f"%(p{next(names)})s", sql)
    return named, {f"p{number}": value for number, value in enumerate(params)}


# Compiling a document's sources costs the ORM several milliseconds, more than running the
# statement: each process compiles a document's statement once. Its sources depend on the
# document's name and parts only (`document_response`), a few hundred a year.
STATEMENTS_KEPT = 2000
_statements: dict[tuple, tuple[str, dict]] = {}


def data_stamp(sources: Iterable[QuerySet], *, key: tuple | None = None) -> tuple:
    """For each source, its number of rows and largest id, in one query; `key`: what
    decides the sources, to compile their statement once per process."""
    statement = _statements.get(key) if key is not None else None
    if statement is None:
        statement = stamp_statement(sources() if callable(sources) else sources)
        if key is not None:
            if len(_statements) >= STATEMENTS_KEPT:
                _statements.clear()
            _statements[key] = statement
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        rows = cursor.fetchall()
    return tuple(sorted(rows))


# The data stamps of the documents, per process, while the write generation holds
# (cluster_portal/write_generation.py): key -> (`changed`, when, stamp).
_memo: dict[tuple, tuple] = {}


def stamp_memo(sources, *, key: tuple, early: tuple | None = None) -> tuple:
    """`data_stamp` of `sources`, counted again only when a write has committed since
    (the generation's `changed` moved), or MEMO_SECONDS have passed; with the
    generation's `unrecorded`, which any write the history does not count replaces.
    `early`: the generation as the request's session read brought it
    (`write_generation.read`)."""
    generation = write_generation.read(connection, early)
    if generation is None:  # this connection's own writes, not committed yet
        data = data_stamp(sources, key=key)
        return data, write_generation.pending_token(connection)
    changed, unrecorded = generation
    now = time.monotonic()
    kept = _memo.get(key)
    if kept is not None and kept[0] == changed and now - kept[1] < write_generation.MEMO_SECONDS:
        return kept[2], unrecorded
    data = data_stamp(sources, key=key)
    if len(_memo) >= STATEMENTS_KEPT:
        _memo.clear()
    _memo[key] = (changed, now, data)
    return data, unrecorded


def document_key(request, *, name: str, parts: tuple, sources: Callable, dated: bool = True) -> str:
    """The stamp of document `name` (`parts`: which one) made of `sources()`, as
    `request.user` may read it, in the request's language, by this code; `dated`: the
    document prints today's date (a page part does not)."""
    stamp = (
        name,
        parts,
        access.reader_class(request.user),
        stamp_memo(
            sources,
            key=(connection.alias, name, parts),
            early=getattr(getattr(request, "session", None), "portal_generation", None),
        ),
        code_version(),
        translation.get_language(),
        timezone.localdate().isoformat() if dated else None,
    )
    return hashlib.sha256(repr(stamp).encode()).hexdigest()[:40]


# Each process also keeps the entries it served last, up to KEPT_BYTES of documents: a
# repeat download then costs a look at the cache's index instead of reading, decompressing
# and unpickling the whole entry (0.5 ms for the report's 47 KB PDF, a tenth of a hit).
# The shared cache stays the truth: an entry it no longer holds (expired, culled, cleared)
# is made again, as before. A key names one document (the stamp of all it is made of), so
# a kept entry never goes stale; the cache's location is part of the memory's key, so
# another cache (each test has its own) never sees it.
KEPT_BYTES = 16 * 1024 * 1024
_kept: OrderedDict[tuple, list] = OrderedDict()  # place -> [entry, its file or None]
_kept_lock = threading.Lock()


def _file_of(documents, key: str) -> tuple | None:
    """For the file-based cache (settings), the entry's file as `has_key` reads it: its
    path, what identifies that version of it (inode, modification time, size) and the
    expiry written at its start; None for another backend or no file."""
    if not isinstance(documents, FileBasedCache):
        return None
    path = documents._key_to_file(key)
    try:
        with open(path, "rb") as file:
            found = os.fstat(file.fileno())
            expiry = pickle.load(file)  # noqa: S301 - its own file, as has_key reads it
    except (OSError, EOFError, pickle.UnpicklingError):
        return None
    return path, (found.st_ino, found.st_mtime_ns, found.st_size), expiry


def _held(documents, key: str, file: tuple | None) -> tuple[bool, tuple | None]:
    """`documents.has_key(key)`, and the entry's file to remember. For a file already
    read (`_file_of`), the same answer from the file's status alone (no open, no
    unpickling) while it is that very file and its expiry has not passed: gone means
    culled or cleared; replaced or expired goes to `has_key`, which deletes an expired
    file, and the file is read again."""
    if file is not None:
        path, identity, expiry = file
        try:
            found = os.stat(path)
        except FileNotFoundError:
            return False, None
        same = (found.st_ino, found.st_mtime_ns, found.st_size) == identity
        if same and (expiry is None or expiry >= time.time()):
            return True, file
    if documents.has_key(key):
        return True, _file_of(documents, key)
    return False, None


def _kept_entry(documents, key: str) -> dict | None:
    place = (settings.CACHES[CACHE].get("LOCATION"), key)
    with _kept_lock:
        kept = _kept.get(place)
        if kept is not None:
            _kept.move_to_end(place)
    if kept is None:
        return None
    held, kept[1] = _held(documents, key, kept[1])
    return kept[0] if held else None


def _keep(key: str, entry: dict, documents) -> None:
    size = len(entry["document"].content)
    if size > KEPT_BYTES // 4:
        return
    place = (settings.CACHES[CACHE].get("LOCATION"), key)
    file = _file_of(documents, key)
    with _kept_lock:
        _kept[place] = [entry, file]
        _kept.move_to_end(place)
        total = sum(len(kept[0]["document"].content) for kept in _kept.values())
        while total > KEPT_BYTES:
            _, (dropped, _) = _kept.popitem(last=False)
            total -= len(dropped["document"].content)


@dataclass(frozen=True)
class Document:
    filename: str
    content_type: str
    content: bytes


def document_response(
    request,
    *,
    name: str,
    parts: tuple,
    sources: Callable[[], list[QuerySet]],
    make: Callable[[], Document],
) -> HttpResponse:
    """Document `name` from the cache, or made by `make` and kept; with ETag and
    Last-Modified, for the view's `conditional_page` to answer a revalidation with 304.
    `sources()`: what it is made of, querysets that depend on `name` and `parts` only
    (the URL's cluster slug and year: their statement is compiled once per process).

    `make` checks access (raising Http404 or PermissionDenied) before it reads anything
    else. A cached entry was made after that same check passed for a reader of the same
    class (`access.reader_class`) on the same state of the sources, which hold every
    record the check reads (membership, terms, provinces and their mergers, the figures'
    states, the agreement): the check would pass again, so a hit skips it; a miss always
    runs it. The key is taken before `make` reads anything: a write committing in between
    only files a fresh document under a stale key, which nobody asks for again."""
    key = document_key(request, name=name, parts=parts, sources=sources)
    documents = caches[CACHE]
    entry = _kept_entry(documents, key)
    if entry is None:
        entry = documents.get(key)
        if entry is None:
            entry = {"document": make(), "built": int(time.time())}
            documents.set(key, entry)
        _keep(key, entry, documents)
    document = entry["document"]
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["ETag"] = quote_etag(key)
    response["Last-Modified"] = http_date(entry["built"])
    # Kept by the browser, but asked again each time (the answer is 304 while it holds);
    # never by a shared proxy: it is one reader's document.
    response["Cache-Control"] = "private, no-cache"
    return response
