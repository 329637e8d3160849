"""`make run` (bin/run_together.py): whatever signal stops it, its children go too.

The children here stand in for runserver (a reloader with a child of its own) and the
worker; the Makefile test sends the signal to make's own process, as `kill <pid>` does.
"""

import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN_TOGETHER = ROOT / "bin" / "run_together.py"

# A process that starts a child of its own (like runserver's reloader), writes both pids,
# then sleeps. The child ignores SIGINT: only a signal to its whole group reaches it.
SPAWNING = """
import os, signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import signal, time; "
    "signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "time.sleep(600)"])
with open(sys.argv[1], "a") as out:
    out.write(f"{os.getpid()} {child.pid}\\n")
time.sleep(600)
"""

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _children_command(pids: Path) -> list[str]:
    script = pids.with_name("spawning.py")
    script.write_text(SPAWNING)
    one = [sys.executable, str(script), str(pids)]
    return ["--", *one, "--", *one]


def _default_signals():
    # pytest (or xdist) may ignore SIGINT; a terminal's `make run` does not.
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def _start(command: list[str], pids: Path, cwd: Path = ROOT) -> tuple[subprocess.Popen, list]:
    process = subprocess.Popen(
        command, cwd=cwd, preexec_fn=_default_signals, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def four_pids():
        return pids.exists() and len(pids.read_text().split()) == 4

    assert _wait_for(four_pids), "the children did not start"
    return process, [int(pid) for pid in pids.read_text().split()]


def _stop_leftovers(process: subprocess.Popen, children: list[int]) -> None:
    for pid in [process.pid, *children]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_to_it_stops_every_child_and_grandchild(tmp_path, signum):
    pids = tmp_path / "pids"
    command = [sys.executable, str(RUN_TOGETHER), *_children_command(pids)]
    process, children = _start(command, pids)
    try:
        process.send_signal(signum)
        assert process.wait(timeout=30) == 128 + signum
        assert _wait_for(lambda: not any(_alive(pid) for pid in children)), [
            pid for pid in children if _alive(pid)
        ]
    finally:
        _stop_leftovers(process, children)


def _run_recipe_with(children: list[str]) -> str:
    """The last command of the Makefile's `run` recipe (as `make -n` prints it), with the
    worker and runserver replaced by `children`, ready to be a recipe line again."""
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8231"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    commands = re.split(r"(?<!\\)\n", dry)
    (command,) = [line for line in commands if "runserver" in line]
    worker, server = (" ".join(shlex.quote(word) for word in part) for part in children)
    command = re.sub(r"\S*python manage\.py db_worker --no-startup-delay", worker, command)
    command = re.sub(r"\S*python manage\.py runserver \S+", server, command)
    command = re.sub(r"(?<!\S)\.venv/bin/python(?!\S)", sys.executable, command)
    command = re.sub(r"(?<!\S)bin/run_together\.py(?!\S)", str(RUN_TOGETHER), command)
    return command.replace("$", "$$")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_to_make_stops_the_children_of_its_recipe(tmp_path, signum):
    pids = tmp_path / "pids"
    words = _children_command(pids)
    recipe = _run_recipe_with([words[1:4], words[5:8]])
    (tmp_path / "Makefile").write_text(f"run:\n\t{recipe}\n")
    process, children = _start(["make", "--no-print-directory", "run"], pids, cwd=tmp_path)
    try:
        process.send_signal(signum)  # to make only, as `kill -TERM <make's pid>`
        assert _wait_for(lambda: not any(_alive(pid) for pid in children)), [
            pid for pid in children if _alive(pid)
        ]
        assert process.wait(timeout=30) != 0
    finally:
        _stop_leftovers(process, children)


def test_when_one_child_ends_the_others_are_stopped(tmp_path):
    pids = tmp_path / "pids"
    command = [
        sys.executable, str(RUN_TOGETHER),
        *_children_command(pids)[:4],
        "--", sys.executable, "-c", "import time, sys; time.sleep(1); sys.exit(3)",
    ]  # fmt: skip
    process = subprocess.Popen(command, preexec_fn=_default_signals, start_new_session=True)
    assert _wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 2)
    children = [int(pid) for pid in pids.read_text().split()]
    try:
        assert process.wait(timeout=30) == 3
        assert _wait_for(lambda: not any(_alive(pid) for pid in children))
    finally:
        _stop_leftovers(process, children)


def test_the_makefile_runs_server_and_worker_through_it_with_site_url_on_its_port():
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8231"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    line = dry[dry.index("exec env") :]
    assert "PORT=8231" in line and "bin/run_together.py" in line
    assert "manage.py db_worker" in line and "manage.py runserver 127.0.0.1:8231" in line
