"""Waiting for what a subprocess writes: until the condition holds, never a fixed time."""

import re
import time
from pathlib import Path


def wait_for_line(path: Path, pattern: re.Pattern, *, timeout: float = 10) -> re.Match:
    """The first match of `pattern` in the file at `path` once it has been written there,
    read again every few milliseconds; fails with the file's text after `timeout` seconds.
    (gunicorn's gthread worker writes a request's access line after the response has left,
    so the line may come a moment after the client has read the page.)"""
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_text() if path.exists() else ""
        found = pattern.search(text)
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no line matching {pattern.pattern!r} in {path} after {timeout} s:\n{text}"
            )
        time.sleep(0.01)
