"""The app's models, defined in its feature packages and gathered here only so that
Django finds them. Code imports a model from its feature package
(`from emulation.scoring.models import …`), never from here: the import
contracts in pyproject.toml (`lint-imports`) refuse it."""

from .api.models import ApiToken, IdempotentRequest
from .awards.models import AwardRecord
from .conference.models import ROMAN, Attendee, Conference, Recommendation, roman_validator
from .decisions.models import AwardDecision, DecisionAwardee
from .dossiers.models import AchievementReport, DossierSettings, ReportStatus
from .news.models import NewsPost
from .nominations.models import (
    AwardQuota,
    AwardType,
    MeetingRank,
    Nomination,
    NominationStatus,
    VoteRule,
)
from .nominees.models import Household, OtherUnit, Person
from .reports.models import LegalBasis, ReportSettings
from .review.models import DossierReview, ReviewState
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
    "AwardDecision",
    "DecisionAwardee",
    "DossierReview",
    "ReviewState",
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
    "DossierSettings",
    "Attendee",
    "AwardQuota",
    "AwardRecord",
    "AwardType",
    "Conference",
    "MeetingRank",
    "NewsPost",
    "Household",
    "Nomination",
    "OtherUnit",
    "Person",
    "NominationStatus",
    "Recommendation",
    "LegalBasis",
    "ReportSettings",
    "ReportStatus",
    "VoteRule",
    "roman_validator",
]
