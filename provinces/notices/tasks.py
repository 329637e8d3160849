"""Background tasks (Django's tasks API through the django-tasks backport, with the
django-tasks-db backend: the queue lives in the portal's own database, SQLite or PostgreSQL,
so there is no broker to run; `manage.py db_worker` works through it).

Every task here may run twice: a task whose worker died stays RUNNING in the queue, and
`tasks_reclaim` (run by `manage.py reclaim_tasks` when the worker starts, and by the daily
`send_reminders`) puts it back once its lease is over. Recording a notice is keyed, and
sending one is claimed (mailing.py), so a second run tells nobody twice."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .claims import LEASE
from .figures import figures_event_notify
from .mailing import notice_email_send
from .zalo import zalo_resend_due, zalo_send

# Longer than any task runs (one e-mail: the notice's lease): a RUNNING task started
# before that has lost its worker.
TASK_LEASE = LEASE + timedelta(minutes=5)


@task()
def notice_email_send_task(*, notice_id: int) -> bool:
    return notice_email_send(notice_id=notice_id)


def _zalo_send(notice_id: int) -> bool:
    """The notice's Zalo message; one that awaits ZNS's delivery report gets its next try
    queued for when ZALO_REPORT_WAIT is over (the daily catch-up also sends it, when the
    backend cannot defer a task)."""
    sent = zalo_send(notice_id=notice_id)
    due = None if sent else zalo_resend_due(notice_id=notice_id)
    if due is not None and notice_zalo_send_task.get_backend().supports_defer:
        notice_zalo_send_task.using(run_after=due).enqueue(notice_id=notice_id)
    return sent


@task()
def notice_zalo_send_task(*, notice_id: int) -> bool:
    return _zalo_send(notice_id)


@task()
def notice_send_task(*, notice_id: int) -> int:
    """A notice's e-mail and its Zalo message, each claimed on its own (either may have
    gone already: nothing is sent twice). How many went out."""
    return int(notice_email_send(notice_id=notice_id)) + int(_zalo_send(notice_id))


@task()
def figures_event_notify_task(*, figures_id: int, event: str, actor_id: int | None) -> int:
    """Record the event's notices, then queue each one's e-mail as a task of its own: a
    slow or failing mail never holds up the others. How many notices were queued."""
    waiting = figures_event_notify(figures_id=figures_id, event=event, actor_id=actor_id)
    for notice_id in waiting:
        notice_send_task.enqueue(notice_id=notice_id)
    return len(waiting)


def figures_event_enqueue(
    sender, *, figures_id: int, event: str, actor_id: int | None, **kwargs
) -> None:
    """Receiver of `provinces.figures.signals.figures_event` (sent after the action
    commits): queue the notices, so the person acting never waits for mail."""
    figures_event_notify_task.enqueue(figures_id=figures_id, event=event, actor_id=actor_id)


def tasks_reclaim(*, lease: timedelta = TASK_LEASE) -> int:
    """Put back on the queue every task still RUNNING `lease` after it started (its worker
    died: killed, out of memory, the machine restarted). How many."""
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=timezone.now() - lease)
        .update(status=TaskResultStatus.READY, started_at=None)
    )
