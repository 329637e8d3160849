"""What a page shows and posts back: the version stored now (optimistic locking), and the
cases of the parametrised versioned-save test."""

from collections.abc import Callable
from dataclasses import dataclass


def shown_version(record) -> int:
    """The version of `record` as stored now, as a page opened now would post it back."""
    rows = type(record)._default_manager.filter(pk=record.pk)
    return rows.values_list("version", flat=True).get()


def sheet_version(data, province) -> int:
    """A member's score sheet as its page shows it: its version, 0 before its first save."""
    from emulation.models import ScoreSheet

    sheet = ScoreSheet.objects.filter(agreement=data.agreement, province=province).first()
    return sheet.version if sheet else 0


def term_version(cluster, year: int) -> int:
    """The rotation page's version of a cluster's term for a year: 0 when there is none."""
    from provinces.models import ClusterTerm

    term = ClusterTerm.objects.filter(cluster=cluster, year=year).first()
    return term.version if term else 0


# The parametrised versioned-save test (tests/test_versioned_save.py) ---------------------


@dataclass
class Case:
    record: object  # the model instance whose stored row the write changes
    act: Callable[[int | None], object]  # the write, sent with this version (None: none)
    deletes: bool = False
    moves: int = 1  # how far the right version moves the version (0: the record is only read)
    # What else the write changes (scores, evidence files, nominations): unchanged on refusal.
    also: Callable[[], object] | None = None


def send(data: dict, seen: int | None, name: str = "seen_version") -> dict:
    """The posted form: with the version, or without it (a form that lost its field)."""
    return {**data, name: seen} if seen is not None else dict(data)


def snapshot(case: Case) -> dict | None:
    record = case.record
    row = type(record)._default_manager.filter(pk=record.pk).values().first()
    if row is not None and hasattr(record, "history"):
        row["history rows"] = record.history.count()
    if row is not None and case.also is not None:
        row["also"] = case.also()
    return row
