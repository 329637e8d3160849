"""Background tasks (Django's tasks API through the django-tasks backport, with the
django-tasks-db backend: the queue lives in the portal's own database, SQLite or PostgreSQL,
so there is no broker to run; `manage.py db_worker` works through it)."""

from django.db import transaction
from django_tasks import task

from provinces.figures.models import YearlyFigures

from .figures import figures_event_notify


@task()
def figures_event_notify_task(*, figures_id: int, event: str, actor_id: int | None) -> int:
    return figures_event_notify(figures_id=figures_id, event=event, actor_id=actor_id)


def figures_event_on_commit(*, figures: YearlyFigures, event: str, by) -> None:
    """Queue the notices for after the action's transaction commits, so the person acting
    never waits for mail and nobody hears of an action that was rolled back."""
    figures_id, actor_id = figures.pk, getattr(by, "pk", None)
    transaction.on_commit(
        lambda: figures_event_notify_task.enqueue(
            figures_id=figures_id, event=event, actor_id=actor_id
        )
    )
