"""The app's models, defined in its feature packages and gathered here only so that
Django finds them. Code imports a model from its feature package
(`from emulation.scoring.models import …`), never from here: the import
contracts in pyproject.toml (`lint-imports`) refuse it."""

from .api.models import ApiToken, IdempotentRequest
from .awards.models import AwardRecord
from .conference.models import ROMAN, Attendee, Conference, Recommendation, roman_validator
from .dossiers.models import AchievementReport, ReportStatus
from .nominations.models import (
    AwardQuota,
    AwardType,
    MeetingRank,
    Nomination,
    NominationStatus,
    VoteRule,
)
from .reports.models import LegalBasis, ReportSettings
from .scoring.models import (
    AgreementStatus,
    Criterion,
    CriterionKind,
    EvidenceFile,
    Score,
    ScoreSheet,
    ScoringAgreement,
    SheetStatus,
    Target,
)

__all__ = [
    "AgreementStatus",
    "Criterion",
    "CriterionKind",
    "EvidenceFile",
    "Score",
    "ScoreSheet",
    "ScoringAgreement",
    "SheetStatus",
    "Target",
    "ROMAN",
    "ApiToken",
    "IdempotentRequest",
    "AchievementReport",
    "Attendee",
    "AwardQuota",
    "AwardRecord",
    "AwardType",
    "Conference",
    "MeetingRank",
    "Nomination",
    "NominationStatus",
    "Recommendation",
    "LegalBasis",
    "ReportSettings",
    "ReportStatus",
    "VoteRule",
    "roman_validator",
]
