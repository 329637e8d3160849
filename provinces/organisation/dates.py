import datetime


def year_end(year: int) -> datetime.date:
    """The day a year's data is pinned to: a code in a row about year Y means the unit
    valid on 31 December of Y."""
    return datetime.date(year, 12, 31)


def fmt_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
