"""Conditional requests: ETag on every successful read and 304 for a matching
`If-None-Match`; a record's ETag is its version, and `If-Match` carries the version a
write was made on (RFC 9110 §13)."""

import hashlib
import re
from functools import wraps

from django.http import HttpResponseNotModified

_ETAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*')


def version_etag(version: int) -> str:
    return f'"{version}"'


def if_match_version(request) -> int | None:
    """The version an `If-Match: "3"` names; None without one (or `*`, or not a version)."""
    match = _ETAG.fullmatch(request.headers.get("If-Match", ""))
    text = match.group(1) if match else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None


def seen_version(request, given: int | None) -> int | None:
    """The version a write was read at: the one sent in the body or the query, else the
    one `If-Match` names (None: neither, which the services refuse as stale)."""
    return given if given is not None else if_match_version(request)


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def etag_reads(view):
    """ninja "view" decorator: a 200 answer to GET carries an ETag (the operation's own, a
    record's version, or a hash of the body), and a GET whose If-None-Match names it is
    answered 304 with no body: a system polling for changes reads nothing unchanged."""

    @wraps(view)
    def run(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method != "GET" or response.status_code != 200:
            return response
        if getattr(response, "streaming", False):
            return response
        if not response.has_header("ETag"):
            response["ETag"] = f'W/"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        asked = request.headers.get("If-None-Match")
        if asked and (asked.strip() == "*" or response["ETag"].removeprefix("W/") in _tags(asked)):
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Cache-Control"):
                if response.has_header(header):
                    not_modified[header] = response[header]
            return not_modified
        return response

    return run
