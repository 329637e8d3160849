"""What the figures' life cycle tells the features above it.

The figures do not know who listens: the notices subscribe to `figures_event`
(`ProvincesConfig.ready`) and queue their e-mails from it. A signal announces, it decides
nothing: the rules stay in the services that send it.
"""

from django.db import transaction
from django.dispatch import Signal

from .models import YearlyFigures

# Sent once the transaction of a submit, return or approve has committed (never for an
# action rolled back), with `figures_id`, `event` ("submitted", "returned", "approved")
# and `actor_id` (None for the system); the sender is `YearlyFigures`.
figures_event = Signal()


def figures_event_on_commit(*, figures: YearlyFigures, event: str, by) -> None:
    """Announce `event` after the action's transaction commits, so the person acting never
    waits for a listener and nobody hears of an action that was rolled back."""
    figures_id, actor_id = figures.pk, getattr(by, "pk", None)
    transaction.on_commit(
        lambda: figures_event.send(
            sender=YearlyFigures, figures_id=figures_id, event=event, actor_id=actor_id
        )
    )
