"""Uploads held between the preview and the confirmation of an import.

The bytes wait under VAR_DIR/uploads in a file named by a random token (no user input
in the path); the session keeps the token, the file name, a SHA-256 of the bytes and
whatever else the importer needs to check on confirmation. A confirmation must present
this session's token, and the bytes must still be the previewed ones. Abandoned files
are removed after a day, whenever someone uploads.
"""

import hashlib
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE = 24 * 60 * 60  # seconds
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def _path(token: str) -> Path | None:
    return _folder() / f"{token}.upload" if _TOKEN.match(str(token)) else None


def hold_upload(request, *, key: str, data: bytes, filename: str, **facts) -> str:
    """Keep `data` for this session under `key` (replacing what it held); the token."""
    release_upload(request, key=key)
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - MAX_AGE
    for old in folder.glob("*.upload"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except OSError:
            continue
    token = secrets.token_hex(16)
    _path(token).write_bytes(data)
    request.session[key] = {
        "token": token,
        "filename": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
        **facts,
    }
    return token


def held_upload(request, *, key: str, token: str) -> tuple[dict, bytes] | None:
    """What this session holds under `key` and its bytes, if `token` is its token and the
    bytes are unchanged; None otherwise."""
    held = request.session.get(key)
    if not isinstance(held, dict) or not secrets.compare_digest(
        str(token), str(held.get("token", ""))
    ):
        return None
    path = _path(held["token"])
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != held.get("sha256"):
        return None
    return held, data


def release_upload(request, *, key: str) -> None:
    held = request.session.pop(key, None)
    path = _path(held.get("token", "")) if isinstance(held, dict) else None
    if path is not None:
        path.unlink(missing_ok=True)
