"""Writes on individual, household and other-unit nominees: found again by what identifies
them (the person's full name and date of birth, the household's head and address, the other
unit's full name, within the proposing province), created when new, their particulars
brought up to date when the province proposes them again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst

from provinces.organisation.models import Province

from .models import Household, OtherUnit, Person

PERSON_FIELDS = (
    "full_name",
    "sex",
    "date_of_birth",
    "hometown",
    "home_address",
    "workplace",
    "position",
    "qualification",
    "political_theory",
    "working_since",
)
HOUSEHOLD_FIELDS = ("head_name", "head_sex", "address", "members", "main_activity")
OTHER_UNIT_FIELDS = (
    "legal_name",
    "unit_type",
    "head_office",
    "phone",
    "website",
    "founded_year",
    "founding",
    "structure",
    "staff_count",
)


def _find_or_build(model, *, province: Province, fields: tuple, data: dict, key: tuple):
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    record = model(province=province, **data)
    record.clean()  # tidy the names before looking them up
    lookup = {name: getattr(record, name) for name in key}
    if any(value in (None, "") for value in lookup.values()):
        return record  # full_clean names what is missing
    found = model.objects.filter(province=province, **lookup).first()
    if found is not None:
        for name in fields:
            setattr(found, name, getattr(record, name))
        found.version += 1
        record = found
    return record


def _checked(record) -> None:
    """full_clean, its messages naming their fields ("Chức vụ …: Trường này …")."""
    try:
        record.full_clean()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        named = []
        for name, errors in exc.message_dict.items():
            if name == "__all__" or name == "province":
                named += errors
                continue
            label = capfirst(record._meta.get_field(name).verbose_name)
            named += [f"{label}: {error}" for error in errors]
        raise ValidationError(named) from None


@transaction.atomic
def person_find_or_create(*, province: Province, by, **data) -> Person:
    """Raises ValidationError (its messages name the field) when a particular is missing."""
    person = _find_or_build(
        Person,
        province=province,
        fields=PERSON_FIELDS,
        data=data,
        key=("full_name", "date_of_birth"),
    )
    _checked(person)
    person._history_user = by if getattr(by, "is_authenticated", False) else None
    person.save()
    return person


@transaction.atomic
def household_find_or_create(*, province: Province, by, **data) -> Household:
    household = _find_or_build(
        Household,
        province=province,
        fields=HOUSEHOLD_FIELDS,
        data=data,
        key=("head_name", "address"),
    )
    _checked(household)
    household._history_user = by if getattr(by, "is_authenticated", False) else None
    household.save()
    return household


@transaction.atomic
def other_unit_find_or_create(*, province: Province, by, **data) -> OtherUnit:
    unit = _find_or_build(
        OtherUnit, province=province, fields=OTHER_UNIT_FIELDS, data=data, key=("legal_name",)
    )
    _checked(unit)
    unit._history_user = by if getattr(by, "is_authenticated", False) else None
    unit.save()
    return unit
