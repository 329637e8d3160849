"""tests/waiting.py: a line written late is waited for (a fixed pause of 0,2 s before
reading the log missed it on a loaded machine, issue 22), and a line never written fails
with what the file holds."""

import re
import threading

import pytest

from tests.waiting import wait_for_line

LINE = re.compile(r"^INFO gunicorn\.access path=/accounts/login/ status=200$", re.M)


def test_a_line_written_after_a_pause_is_found(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("INFO starting\n")
    late = threading.Timer(
        0.5,
        lambda: log.write_text(
            "INFO starting\nINFO gunicorn.access path=/accounts/login/ status=200\n"
        ),
    )
    late.start()
    try:
        found = wait_for_line(log, LINE, timeout=10)
    finally:
        late.join()
    assert found.group(0).endswith("status=200")


def test_a_line_never_written_fails_with_the_file(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("INFO starting\n")
    with pytest.raises(AssertionError, match="INFO starting"):
        wait_for_line(log, LINE, timeout=0.1)
