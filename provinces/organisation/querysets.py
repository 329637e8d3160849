"""The organisation's querysets: units by date, memberships by year, terms with their
alliances (the models are in models.py)."""

import datetime

from django.db import models
from django.db.models import Q

from .dates import year_end


def valid_on_q(day: datetime.date) -> Q:
    """Valid on `day`, for units and their history rows alike."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def in_year_q(year: int) -> Q:
    """A membership (or its history row) that runs through `year`."""
    return (Q(to_year__isnull=True) | Q(to_year__gte=year)) & Q(from_year__lte=year)


class ProvinceQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "ProvinceQuerySet":
        return self.filter(valid_on_q(day))

    def valid_in(self, year: int) -> "ProvinceQuerySet":
        return self.valid_on(year_end(year))

    def valid_on_some_day_of(self, year: int) -> "ProvinceQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=year_end(year)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)),
        )

    def resolve(self, code: str, year: int) -> "models.Model | None":
        """The unit that province code `code` means in `year` (valid on 31 December)."""
        return self.valid_in(year).filter(code=code).first()


class MembershipQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "MembershipQuerySet":
        return self.filter(in_year_q(year))


class TermQuerySet(models.QuerySet):
    def with_alliances(self) -> "TermQuerySet":
        return self.select_related("cluster", "head", "vice")
