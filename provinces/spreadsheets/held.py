"""Uploads held between the preview and the confirmation of an import.

What is held is the table the preview read (`table_bytes`: the rows as JSON, each cell
keeping its type), so that the confirmation checks exactly the rows the person saw
against the database as it is then, without reading the file a second time (for 10,000
disbursements that was half a second of the confirmation). It goes to the storage named
"uploads" in settings.STORAGES (the default storage when there is none) under
`held-uploads/<created>-<token>.upload`, a name made of the time and a random token only
(no user input in the path). That storage is VAR_DIR/uploads, or with more than one app
server the bucket every server shares (AWS_STORAGE_BUCKET_NAME,
cluster_portal/storage_config.py), so a confirmation reaching another server than the
preview still finds it; `make backup` copies it. The session keeps the token, the file
name, a SHA-256 of the held bytes and whatever the importer needs to check on
confirmation; a confirmation must present this session's token, and the bytes must still
be the held ones. With the table the preview may hold the rows it cleaned (plain values,
`table_bytes(cleaned=...)`): the confirmation then checks again only what can have
changed since, set-based, instead of every row. Held tables expire after a day: an
expired one is refused, and abandoned ones are deleted whenever someone uploads.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
import secrets
import time
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.core.files.storage.handler import InvalidStorageError

from .reading import Table

logger = logging.getLogger(__name__)

MAX_AGE = 24 * 60 * 60  # seconds
FOLDER = "held-uploads"
_NAME = re.compile(r"^(\d{10})-([0-9a-f]{32})\.upload$")


def held_storage() -> Storage:
    try:
        return storages["uploads"]
    except InvalidStorageError:
        return default_storage


def _name(created: int, token: str) -> str:
    return f"{FOLDER}/{created:010d}-{token}.upload"


def _sweep(storage: Storage, now: float) -> None:
    """Delete what was held for more than a day (any session's)."""
    try:
        _, files = storage.listdir(FOLDER)
    except (OSError, NotImplementedError):
        return
    for name in files:
        match = _NAME.match(name)
        if match and int(match.group(1)) < now - MAX_AGE:
            try:
                storage.delete(f"{FOLDER}/{name}")
            except OSError:
                logger.warning("could not delete expired upload %s", name, exc_info=True)


def hold_upload(request, *, key: str, data: bytes, filename: str, **facts) -> str:
    """Keep `data` for this session under `key` (replacing what it held); the token."""
    release_upload(request, key=key)
    storage = held_storage()
    now = time.time()
    _sweep(storage, now)
    token, created = secrets.token_hex(16), int(now)
    saved = storage.save(_name(created, token), ContentFile(data))
    request.session[key] = {
        "token": token,
        "name": saved,
        "created": created,
        "filename": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
        **facts,
    }
    return token


def held_upload(request, *, key: str, token: str) -> tuple[dict, bytes] | None:
    """What this session holds under `key` and its bytes, if `token` is its token, the
    file has not expired and the bytes are unchanged; None otherwise."""
    held = request.session.get(key)
    if not isinstance(held, dict) or not secrets.compare_digest(
        str(token), str(held.get("token", ""))
    ):
        return None
    created = held.get("created")
    if not isinstance(created, int) or created < time.time() - MAX_AGE:
        return None
    name = _name(created, held["token"])
    if held.get("name") != name:
        return None
    try:
        with held_storage().open(name, "rb") as file:
            data = file.read()
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != held.get("sha256"):
        return None
    return held, data


def release_upload(request, *, key: str) -> None:
    held = request.session.pop(key, None)
    if not isinstance(held, dict) or not isinstance(held.get("created"), int):
        return
    if not _NAME.match(f"{held['created']:010d}-{held.get('token', '')}.upload"):
        return
    try:
        held_storage().delete(_name(held["created"], held["token"]))
    except OSError:
        logger.warning("could not delete a held upload", exc_info=True)


# The held table ------------------------------------------------------------------------------

# Cell types JSON has no word for, tagged: {"date": "2024-06-05"}. A cell read from a file
# is never a dict, so a dict is always a tagged value.
_TAGGED = {
    "datetime": (datetime.datetime, datetime.datetime.isoformat, datetime.datetime.fromisoformat),
    "date": (datetime.date, datetime.date.isoformat, datetime.date.fromisoformat),
    "time": (datetime.time, datetime.time.isoformat, datetime.time.fromisoformat),
    "timedelta": (
        datetime.timedelta,
        datetime.timedelta.total_seconds,
        lambda seconds: datetime.timedelta(seconds=seconds),
    ),
    "decimal": (Decimal, str, Decimal),
}


def _tagged(value: object) -> dict:
    """`default` of json.dumps: called only for the cells JSON has no word for."""
    for tag, (kind, encode, _) in _TAGGED.items():  # datetime before its parent date
        if isinstance(value, kind):
            return {tag: encode(value)}
    raise TypeError(f"a cell of type {type(value).__name__} cannot be held")


def _decode_cell(value: object) -> object:
    if isinstance(value, dict):
        [(tag, text)] = value.items()
        return _TAGGED[tag][2](text)
    return value


def table_bytes(table: Table, cleaned: list | None = None) -> bytes:
    """A table read from a file, as held between preview and confirmation; with `cleaned`,
    the rows the preview checked as the importer's plain values (JSON lists, one a row), so
    that the confirmation need not check each row again."""
    held = {"rows": table.rows, "letters": table.letters}
    if cleaned is not None:
        held["cleaned"] = cleaned
    return json.dumps(held, ensure_ascii=False, default=_tagged).encode()


def table_from_bytes(data: bytes) -> Table | None:
    """The held table back, cells with their types; None when `data` is not one."""
    return held_from_bytes(data)[0]


def held_from_bytes(data: bytes) -> tuple[Table | None, list | None]:
    """The held table back and the cleaned rows held with it (None when the preview held
    none: an upload held before they were); (None, None) when `data` is not a held table."""
    try:
        held = json.loads(data)
        rows = [
            (int(number), {str(c): _decode_cell(v) for c, v in cells.items()})
            for number, cells in held["rows"]
        ]
        cleaned = held.get("cleaned")
        return Table(rows=rows, letters=dict(held["letters"])), (
            cleaned if isinstance(cleaned, list) else None
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        logger.warning("a held upload could not be read back", exc_info=True)
        return None, None
