"""Python's cyclic garbage collector paused around work that builds many long-lived
objects: an upload's import (provinces/spreadsheets), the scoring pages at a large sheet
(emulation/scoring). Shared by both apps, so it lives on the floor below them."""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pauses = 0  # pauses running in this process (imports, large pages)
_collector_was_enabled = True
_pauses_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while an import (or a large page) runs.
    An upload builds hundreds of thousands of objects that live until it ends (cells, rows,
    instances, history rows), and the collector walked them again and again: 1.4 s of the
    5.3 s a 10,000-disbursement preview and confirmation took with it. Reference counting
    still frees whatever is dropped at once; the collector resumes when the last pause
    running in the process ends (imports and pages alike count)."""
    global _pauses, _collector_was_enabled
    with _pauses_lock:
        if not _pauses:
            _collector_was_enabled = gc.isenabled()
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if not _pauses and _collector_was_enabled:
                gc.enable()
