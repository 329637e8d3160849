"""Answers of reads kept in each process's memory under what decides them: the path with
its query, the reader's class (cluster_portal.access.reader_class: two readers of one
class read the same things), the language, the local day and the write generation
(cluster_portal.write_generation: replaced after every commit that wrote data, by any
process). A repeat read is then the token, the reader's class, the generation's row (the
three read by the token's one statement, emulation/api/tokens.py) and a dictionary look-up,
not the operation's reads and serialisation (bench/bench_api_limits.py).

Two decorators, as idempotency.py: `serve_kept` (ninja's "operation" mode, after
authentication, throttling and validation) answers a kept body or notes the key;
`keep_answer` ("view" mode) keeps a 200 answer once ninja has made it. Nothing is kept
while the generation cannot be read (this connection's transaction has written, or the
row does not exist yet)."""

from collections import OrderedDict
from functools import wraps

from django.db import connection
from django.http import HttpResponse
from django.utils import timezone, translation

from cluster_portal import access, write_generation

SIZE = 2000  # answers per process; the oldest go first
_kept: OrderedDict[tuple, tuple[bytes, str, str | None]] = OrderedDict()


def _key(request) -> tuple | None:
    # The generation's row as the token's statement read it (tokens.py), while this
    # connection has written nothing since; else a query of its own.
    early = getattr(getattr(request, "api_token", None), "portal_generation", None)
    generation = write_generation.read(connection, early)
    if generation is None:
        return None
    return (
        request.get_full_path(),
        access.reader_class(request.user),
        translation.get_language(),
        timezone.localdate(),
        generation,
    )


def serve_kept(operation):
    @wraps(operation)
    def run(request, *args, **kwargs):
        if request.method != "GET":
            return operation(request, *args, **kwargs)
        key = _key(request)
        if key is not None:
            kept = _kept.get(key)
            if kept is not None:
                _kept.move_to_end(key)
                body, content_type, etag = kept
                response = HttpResponse(body, content_type=content_type)
                if etag is not None:  # a record's version (loans.py)
                    response["ETag"] = etag
                return response
            request.api_read_key = key
        return operation(request, *args, **kwargs)

    return run


def keep_answer(view):
    @wraps(view)
    def run(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        key = getattr(request, "api_read_key", None)
        if key is not None and response.status_code == 200 and not response.streaming:
            _kept[key] = (response.content, response["Content-Type"], response.get("ETag"))
            while len(_kept) > SIZE:
                _kept.popitem(last=False)
        return response

    return run
