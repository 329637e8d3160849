"""The sending claim every channel uses (e-mail, Zalo): claim → hand-over → outcome, three
short writes around the call to the relay or ZNS, no transaction open meanwhile (the
package docstring tells the whole design and why). A channel names its model and columns
(`SendingColumns`) and hands over in its own way; the claim, its lease, the retries and
the outcome are decided here, once."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

# Longer than any send (connection + the relay's reply): a live worker keeps its claim.
LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 5  # temporary failures (relay down, 4xx, ZNS limits) are retried daily


class Refused(Exception):
    """The message cannot be sent as it is (bad address or header): never retried."""


class NotSent(Exception):
    """The channel did not take the message (no connection, or it answered no)."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class Uncertain(Exception):
    """The message was handed over and no answer came back: the channel may have it."""


class ClaimLost(Exception):
    """The claim was gone at the hand-over (its lease ran out and another worker took the
    row, or a delivery report settled it): this worker must not send."""


@dataclass(frozen=True)
class SendingColumns:
    """Where a channel keeps its claim: `model`, its columns `<prefix>state`,
    `<prefix>claim`, `<prefix>claimed_until`, `<prefix>handed_at`, `<prefix>attempts`,
    `<prefix>error` and `sent_at`, its states (`states`: PENDING, SENDING, SENT, FAILED),
    what a send that may have gone says (`uncertain`), the channel's log events
    (`event`_error, `event`_failed on `logger`), and `awaiting`: the state such a send
    waits in for the channel's delivery report (Zalo), or None: it is recorded failed for
    a person to decide (e-mail, which has no reports)."""

    model: type[models.Model]
    prefix: str
    sent_at: str
    states: type[models.TextChoices]
    uncertain: str  # lazy, with %(error)s: the reason given, or that the sender stopped
    event: str
    logger: logging.Logger
    awaiting: str | None = None

    def _c(self, **values) -> dict:
        return {f"{self.prefix}{name}": value for name, value in values.items()}

    def _uncertain(self, detail: str) -> str:
        return str(self.uncertain) % {"error": detail}

    def sendable(self, rows: QuerySet, *, waiting: str) -> QuerySet:
        """The rows waiting in `waiting`, or claimed by a dead worker before any hand-over."""
        stale = Q(
            **self._c(
                state=self.states.SENDING, claimed_until__lt=timezone.now(), handed_at__isnull=True
            )
        )
        return rows.filter(Q(**self._c(state=waiting)) | stale)

    def claim(self, rows: QuerySet) -> tuple[str, int]:
        """Claim the sendable `rows` (one UPDATE): (claim id, how many rows it took)."""
        claim = uuid.uuid4().hex
        taken = rows.update(
            **self._c(
                state=self.states.SENDING,
                claim=claim,
                claimed_until=timezone.now() + LEASE,
                handed_at=None,
                attempts=F(f"{self.prefix}attempts") + 1,
            )
        )
        return claim, taken

    def claimed(self, claim: str) -> QuerySet:
        return self.model.objects.filter(**self._c(claim=claim, state=self.states.SENDING))

    def hand_over(self, claimed: QuerySet) -> None:
        """The hand-over: from now on the channel may have the message. ClaimLost, and
        nothing is sent, when the rows no longer hold the claim."""
        if not claimed.update(**self._c(handed_at=timezone.now())):
            raise ClaimLost

    def send_claimed(
        self, claim: str, *, waiting: str, send: Callable[[QuerySet], dict | None]
    ) -> bool:
        """Send what the rows holding `claim` carry (`send(claimed)`, which calls
        `hand_over(claimed)` once the connection is open and returns the columns to record
        with the success) and record the outcome on them. `waiting`: the state a retryable
        failure goes back to. True when it went out."""
        claimed = self.claimed(claim)
        failed = self.states.FAILED
        outcome: dict = {"claimed_until": None}
        try:
            sent_too = send(claimed) or {}
        except ClaimLost:  # someone else decides the rows now: nothing to record
            self.logger.warning(f"{self.event}_claim_lost", extra={"claim": claim})
            return False
        except Refused as exc:
            outcome.update(state=failed, error=str(exc))
        except NotSent as exc:
            outcome["error"] = str(exc)[:500]
            claimed.filter(**self._c(attempts__gte=MAX_ATTEMPTS)).update(
                **self._c(state=failed, claimed_until=None, error=outcome["error"])
            )
            outcome["state"] = failed if exc.permanent else waiting
        except Uncertain as exc:
            outcome.update(state=self.awaiting or failed, error=self._uncertain(str(exc)))
        except Exception as exc:  # a template or a bug: this notice fails alone, the run goes on
            self.logger.exception(f"{self.event}_error", extra={"claim": claim})
            outcome.update(state=failed, error=f"{type(exc).__name__}: {exc}")
        else:
            claimed.update(
                **self._c(state=self.states.SENT, claimed_until=None, error=""),
                **{self.sent_at: timezone.now()},
                **sent_too,
            )
            return True
        outcome["error"] = outcome["error"][:500]
        outcome = self._c(**outcome)
        self.logger.warning(f"{self.event}_failed", extra={"claim": claim, **outcome})
        claimed.update(**outcome)
        return False

    def settle_abandoned(self) -> None:
        """The daily run's first step: a claim past its lease after the hand-over "may have
        gone out": recorded failed, never resent by itself, or, on a channel with delivery
        reports, awaiting its report like a send that got no answer."""
        self.model.objects.filter(
            **self._c(
                state=self.states.SENDING, claimed_until__lt=timezone.now(), handed_at__isnull=False
            )
        ).update(
            **self._c(
                state=self.awaiting or self.states.FAILED,
                claimed_until=None,
                error=self._uncertain(_("người gửi đã dừng giữa chừng")),
            )
        )

    def resend(self, rows: QuerySet) -> None:
        """An admin's choice, once the cause is fixed: the failed `rows` wait again, with a
        fresh count of attempts."""
        rows.filter(**self._c(state=self.states.FAILED)).update(
            **self._c(state=self.states.PENDING, attempts=0, error="")
        )
