"""URL parts checked at the edge: a URL whose year, province code or record id is out of
range does not match (404) and never reaches a view, a date helper or the database.

Registered on import; every urls.py that uses them imports this module.
"""

from django.urls import register_converter

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years the portal holds (models: YEAR_VALIDATORS)


class YearConverter:
    """A four-digit year between FIRST_YEAR and LAST_YEAR."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"year {year} outside {FIRST_YEAR}-{LAST_YEAR}")
        return year

    def to_url(self, value: int | str) -> str:
        return str(value)


class ProvinceCodeConverter:
    """A province code: exactly two ASCII digits ("04", "14")."""

    regex = "[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


class RecordIdConverter:
    """A primary key that fits a 64-bit integer column (at most 18 digits), so that
    /loan/99999999999999999999/ is a 404 rather than a database overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(YearConverter, "year")
register_converter(ProvinceCodeConverter, "code")
register_converter(RecordIdConverter, "pk")
