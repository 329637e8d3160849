"""The app's models, defined in its feature packages and gathered here for Django."""

from .conference.models import ROMAN, Attendee, Conference, Recommendation, roman_validator
from .dossiers.models import AchievementReport, ReportStatus
from .nominations.models import AwardQuota, AwardType, Nomination, NominationStatus, VoteRule

__all__ = [
    "ROMAN",
    "AchievementReport",
    "Attendee",
    "AwardQuota",
    "AwardType",
    "Conference",
    "Nomination",
    "NominationStatus",
    "Recommendation",
    "ReportStatus",
    "VoteRule",
    "roman_validator",
]
