"""The app's models, defined in its feature packages and gathered here only so that
Django finds them. Code imports a model from its feature package
(`from provinces.figures.models import …`), never from here: the import
contracts in pyproject.toml (`lint-imports`) refuse it."""

from .calendar.models import Deadlines
from .disbursements.models import (
    BorrowerKind,
    Cooperative,
    CooperativeQuerySet,
    Disbursement,
    DisbursementQuerySet,
    Fund,
    directory_key,
)
from .figures.models import FiguresQuerySet, FiguresStatus, YearlyFigures
from .notices.models import EmailChangeRequest, Notice, NoticePreference, ZaloMessage
from .organisation.models import (
    YEAR_VALIDATORS,
    Cluster,
    ClusterMembership,
    ClusterTerm,
    MembershipQuerySet,
    Province,
    ProvinceQuerySet,
    StaffProfile,
    TermQuerySet,
    ascii_slug,
    fold_accents,
)

__all__ = [
    "YEAR_VALIDATORS",
    "BorrowerKind",
    "Cluster",
    "ClusterMembership",
    "ClusterTerm",
    "Cooperative",
    "Deadlines",
    "EmailChangeRequest",
    "CooperativeQuerySet",
    "Disbursement",
    "DisbursementQuerySet",
    "FiguresQuerySet",
    "FiguresStatus",
    "Fund",
    "MembershipQuerySet",
    "Notice",
    "NoticePreference",
    "ZaloMessage",
    "Province",
    "ProvinceQuerySet",
    "StaffProfile",
    "TermQuerySet",
    "YearlyFigures",
    "ascii_slug",
    "directory_key",
    "fold_accents",
]
