"""The app's models, defined in its feature packages and gathered here for Django."""

from .api.models import ApiToken
from .conference.models import ROMAN, Attendee, Conference, Recommendation, roman_validator
from .nominations.models import AwardQuota, AwardType, Nomination, NominationStatus, VoteRule

__all__ = [
    "ROMAN",
    "ApiToken",
    "Attendee",
    "AwardQuota",
    "AwardType",
    "Conference",
    "Nomination",
    "NominationStatus",
    "Recommendation",
    "VoteRule",
    "roman_validator",
]
