"""What the access rules (`cluster_portal.access`) read of the apps' objects, described
here by what is read: cluster_portal imports no app (the import contracts in
pyproject.toml). Imported for type checking only."""

from __future__ import annotations

from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

User = AbstractBaseUser | AnonymousUser


class Province(Protocol):
    """provinces.organisation.models.Province"""

    pk: int

    def unit_in(self, year: int) -> Province | None: ...


class ClusterTerm(Protocol):
    """provinces.organisation.models.ClusterTerm: a cluster's head and vice-head."""

    year: int
    head_id: int
    vice_id: int | None


class ProvinceYear(Protocol):
    """provinces.organisation.selectors.ProvinceYear"""

    province: Province
    year: int
    cluster: Any
    term: ClusterTerm | None
    member_ids: set[int]
    figures: Any  # YearlyFigures: pk, is_locked, is_editable, is_submitted


class SheetContext(Protocol):
    """emulation.scoring.sheet_context.SheetContext"""

    province: Province
    year: int
    term: ClusterTerm | None
    member_ids: set[int]
    agreement: Any  # ScoringAgreement: is_signed, locked, result_recorded
    sheet: Any  # ScoreSheet: is_submitted, cross_checked_at


class NomineeContext(Protocol):
    """emulation.dossiers.selectors.NomineeContext"""

    province: Province | None
    year: int
    term: ClusterTerm | None
    in_dossier: bool
    report: Any  # AchievementReport: is_editable, is_submitted
