"""Run several commands side by side and stop all of them together: `make run`'s runserver
and notice worker.

    python bin/run_together.py -- CMD ARG… -- CMD ARG…

Each command runs in a session of its own, so whatever it starts (runserver's reloader and
its child, the worker's process) is stopped with it: SIGTERM to the whole group, SIGKILL
after a grace period. Everything stops when

- this process gets SIGTERM, SIGINT, SIGHUP or SIGQUIT (Ctrl-C, a closed terminal, `kill`),
- one of the commands ends (the others are stopped; its exit status is returned),
- the parent goes away, or, on Linux, the parent stops catching one of those signals. That
  is how `kill -INT <make's pid>` is seen: GNU make passes SIGTERM on to the recipe, but on
  SIGINT or SIGHUP it resets its handler and waits for its children, which would never end.

No Django here: it only starts and stops processes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT)
GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2


def split_commands(argv: list[str]) -> list[list[str]]:
    """`-- a b -- c d` -> [["a", "b"], ["c", "d"]]."""
    commands: list[list[str]] = []
    for word in argv:
        if word == "--":
            commands.append([])
        elif commands:
            commands[-1].append(word)
        else:
            raise SystemExit(f"run_together: expected '--' before {word!r}")
    commands = [command for command in commands if command]
    if not commands:
        raise SystemExit("run_together: nothing to run (python bin/run_together.py -- CMD …)")
    return commands


def caught_signals(pid: int) -> int | None:
    """The bit mask of the signals `pid` catches (Linux /proc), None where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return int(line.split()[1], 16)
    except (OSError, ValueError):
        return None
    return None


def stop_mask() -> int:
    return sum(1 << (signum - 1) for signum in STOP_SIGNALS)


class Together:
    def __init__(self, commands: list[list[str]]):
        self.commands = commands
        self.children: list[subprocess.Popen] = []
        self.stopping_for: int | None = None
        self.parent = os.getppid()
        caught = caught_signals(self.parent)
        self.parent_caught = None if caught is None else caught & stop_mask()

    def on_signal(self, signum: int, _frame) -> None:
        if self.stopping_for is None:
            self.stopping_for = signum

    def parent_leaving_for(self) -> int | None:
        """The signal the parent is dying of (SIGHUP when it is simply gone), else None."""
        if os.getppid() != self.parent:
            return signal.SIGHUP
        if not self.parent_caught:
            return None
        caught = caught_signals(self.parent)
        if caught is None:
            return None
        # A handler reset to the default: the parent received that signal and is dying.
        lost = self.parent_caught & ~caught
        return next((signum for signum in STOP_SIGNALS if lost & (1 << (signum - 1))), None)

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.on_signal)
        for command in self.commands:
            self.children.append(
                # The commands are the Makefile's own, not input from anyone.
                subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
            )
        ended = None
        while self.stopping_for is None and ended is None:
            ended = next((child for child in self.children if child.poll() is not None), None)
            if ended is None and self.stopping_for is None:
                self.stopping_for = self.parent_leaving_for()
            if self.stopping_for is None and ended is None:
                time.sleep(POLL_SECONDS)
        self.stop_all()
        if self.stopping_for is not None:
            return 128 + self.stopping_for
        return ended.returncode if ended.returncode >= 0 else 128 - ended.returncode

    def stop_all(self) -> None:
        for signum, wait in ((signal.SIGTERM, GRACE_SECONDS), (signal.SIGKILL, GRACE_SECONDS)):
            for child in self.children:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signum)  # the child's session: everything it started
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and any(_group_alive(c) for c in self.children):
                for child in self.children:
                    child.poll()
                time.sleep(0.05)
            if not any(_group_alive(child) for child in self.children):
                return


def _group_alive(child: subprocess.Popen) -> bool:
    child.poll()
    try:
        os.killpg(child.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> int:
    return Together(split_commands(argv)).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
