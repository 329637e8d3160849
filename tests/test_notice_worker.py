"""The notice worker (`manage.py db_worker`, a real process on a SQLite file) killed with
SIGKILL while the relay stalls (issue 22): no database lock is held while it waits, its
task is taken up again once its lease is over, and the notice reaches the relay exactly
once, whether the worker died before handing the message over or after."""

import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.fake_relay import FakeRelay
from tests.shared_setup import ROOT

SETUP = """
from django.contrib.auth import get_user_model
from provinces.notices.services import NoticeDraft, notice_create
from provinces.notices.tasks import notice_email_send_task
user = get_user_model().objects.create_user(username="sonla", email="sonla@example.org")
draft = NoticeDraft(key="k", kind="figures_returned", subject="Trả lại", body="Sai số liệu")
notice_email_send_task.enqueue(notice_id=notice_create(recipient=user, draft=draft).pk)
"""


@pytest.fixture
def portal(tmp_path, migrated_sqlite):
    """`manage.py …` on a migrated SQLite file, its e-mail through the relay on `port`."""
    database = migrated_sqlite(tmp_path / "var" / "portal.sqlite3")
    unset = {"DATABASE_URL", "EMAIL_BACKEND", "EMAIL_HOST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base.update(DEBUG="1", VAR_DIR=str(tmp_path / "var"))

    def env(port: int) -> dict:
        return {**base, "EMAIL_URL": f"smtp+plain://127.0.0.1:{port}"}

    def manage(port: int, *args: str, **popen) -> subprocess.CompletedProcess | subprocess.Popen:
        command = [sys.executable, "manage.py", *args]
        if popen:
            return subprocess.Popen(command, cwd=ROOT, env=env(port), **popen)
        done = subprocess.run(
            command, cwd=ROOT, env=env(port), capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    return database, manage


def row(database, sql: str) -> tuple:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchone()


def notice_state(database) -> tuple:
    return row(database, "SELECT email_state, email_handed_at IS NOT NULL FROM provinces_notice")


def task_status(database) -> str:
    return row(database, "SELECT status FROM django_tasks_database_dbtaskresult")[0]


def another_connection_writes(database) -> None:
    """A page's write while the worker waits for the relay: with the worker holding the
    write lock, SQLite answers 'database is locked' after the 2 s timeout."""
    db = sqlite3.connect(database, timeout=2, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE auth_user SET first_name = 'Sơn' WHERE username = 'sonla'")
        db.execute("COMMIT")
    finally:
        db.close()


def kill_the_worker_while_the_relay_stalls(database, manage, relay, tmp_path) -> None:
    manage(relay.port, "shell", "--no-imports", "-c", SETUP)
    log = (tmp_path / "worker.log").open("w")
    worker = manage(
        relay.port,
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.1",
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert relay.stalling.wait(60), (tmp_path / "worker.log").read_text()
        another_connection_writes(database)  # no lock held while the relay stalls
        assert task_status(database) == "RUNNING"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        log.close()
    relay.release()


def after_the_leases(database) -> None:
    """An hour passes: the dead worker's task and claim are past their leases."""
    with sqlite3.connect(database) as db:
        db.execute(
            "UPDATE django_tasks_database_dbtaskresult "
            "SET started_at = datetime(started_at, '-1 hour')"
        )
        db.execute(
            "UPDATE provinces_notice "
            "SET email_claimed_until = datetime(email_claimed_until, '-1 hour')"
        )


def test_a_worker_killed_before_handing_the_mail_over_sends_it_once_on_recovery(portal, tmp_path):
    database, manage = portal
    with FakeRelay(stall_at="greeting") as relay:
        kill_the_worker_while_the_relay_stalls(database, manage, relay, tmp_path)
        assert notice_state(database) == ("sending", 0)  # claimed, nothing handed over

        after_the_leases(database)
        assert "Đã đưa lại 1 việc" in manage(relay.port, "reclaim_tasks").stdout
        manage(relay.port, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
        assert task_status(database) == "SUCCESSFUL"
        assert notice_state(database) == ("sent", 1)
        manage(relay.port, "send_reminders")  # the daily run finds nothing more to send
    assert len(relay.messages) == 1 and b"To: sonla@example.org" in relay.messages[0]


def test_a_worker_killed_after_handing_the_mail_over_never_sends_it_again(portal, tmp_path):
    """The relay took the data, then stalls before answering; the daily run after the kill
    records the notice as failed (the relay may have it) instead of sending it again."""
    database, manage = portal
    with FakeRelay(stall_at="data") as relay:
        kill_the_worker_while_the_relay_stalls(database, manage, relay, tmp_path)
        assert notice_state(database) == ("sending", 1)
        after_the_leases(database)
        output = manage(relay.port, "send_reminders").stdout
        assert "1 thông báo không gửi được thư" in output
        manage(relay.port, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
        assert task_status(database) == "SUCCESSFUL"
        assert notice_state(database) == ("failed", 1)
        (error,) = row(database, "SELECT email_error FROM provinces_notice")
        assert "không tự gửi lại" in error
    assert len(relay.messages) == 1
