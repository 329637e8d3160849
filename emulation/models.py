"""The app's models, defined in its feature packages and gathered here for Django."""

from .api.models import ApiToken
from .conference.models import ROMAN, Attendee, Conference, Recommendation, roman_validator
from .dossiers.models import AchievementReport, ReportStatus
from .nominations.models import AwardQuota, AwardType, Nomination, NominationStatus, VoteRule
from .reports.models import ReportSettings
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
    "AchievementReport",
    "Attendee",
    "AwardQuota",
    "AwardType",
    "Conference",
    "Nomination",
    "NominationStatus",
    "Recommendation",
    "ReportSettings",
    "ReportStatus",
    "VoteRule",
    "roman_validator",
]
