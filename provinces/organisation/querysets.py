"""The organisation's querysets: units by date, memberships by year, terms with their
alliances (the models are in models.py)."""

import datetime

from django.db import models
from django.db.models import Q

from .dates import year_end


class ProvinceQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "ProvinceQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

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
        return self.filter(Q(to_year__isnull=True) | Q(to_year__gte=year), from_year__lte=year)


class TermQuerySet(models.QuerySet):
    def with_alliances(self) -> "TermQuerySet":
        return self.select_related("cluster", "head", "vice")
