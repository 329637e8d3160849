"""Background tasks (Django's tasks API through the django-tasks backport, with the
django-tasks-db backend: the queue lives in the portal's own database, SQLite or PostgreSQL,
so there is no broker to run; `manage.py db_worker` works through it)."""

from django_tasks import task

from .figures import figures_event_notify


@task()
def figures_event_notify_task(*, figures_id: int, event: str, actor_id: int | None) -> int:
    return figures_event_notify(figures_id=figures_id, event=event, actor_id=actor_id)


def figures_event_enqueue(
    sender, *, figures_id: int, event: str, actor_id: int | None, **kwargs
) -> None:
    """Receiver of `provinces.figures.signals.figures_event` (sent after the action
    commits): queue the notices, so the person acting never waits for mail."""
    figures_event_notify_task.enqueue(figures_id=figures_id, event=event, actor_id=actor_id)
