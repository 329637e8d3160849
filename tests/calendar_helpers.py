"""Named objects for the calendar, notices and to-do tests."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from provinces.models import Cluster, Deadlines

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, clock: str = "12:00") -> datetime.datetime:
    """An aware moment in the portal's time zone: at("2025-01-15", "23:59")."""
    return datetime.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=HCM)


def today() -> datetime.date:
    return timezone.localdate()


def days_from_today(days: int) -> datetime.date:
    return today() + datetime.timedelta(days=days)


def make_deadlines(slug: str, year: int, **dates) -> Deadlines:
    """Saved without the model's checks: tests place the reference years' deadlines
    relative to today's date, which may be years after the emulation year."""
    record = Deadlines(cluster=Cluster.objects.get(slug=slug), year=year, **dates)
    record.save()
    return record
