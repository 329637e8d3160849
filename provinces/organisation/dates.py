import datetime

from django.utils import timezone


def year_end(year: int) -> datetime.date:
    """The day a year's data is pinned to: a code in a row about year Y means the unit
    valid on 31 December of Y."""
    return datetime.date(year, 12, 31)


def fmt_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def fmt_datetime(moment: datetime.datetime | None) -> str:
    """A moment in the portal's time zone (Asia/Ho_Chi_Minh), as the house writes it
    (the formats' DATETIME_FORMAT "H:i d/m/Y"): "00:01 16/01/2026", never the UTC day."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%H:%M %d/%m/%Y")
