from django.contrib import admin

from cluster_portal.admin_access import CheckedHistoryAdmin, OrganisationAccess, ReadOnly
from cluster_portal.locking import VersionedAdminMixin
from emulation.api import admin as api_admin  # noqa: F401  (registers ApiToken)
from emulation.api.models import IdempotentRequest
from emulation.awards.models import AwardRecord
from emulation.conference.models import Attendee, Conference, Recommendation
from emulation.decisions.models import AwardDecision, DecisionAwardee
from emulation.news.models import NewsPost
from emulation.nominations.models import (
    AwardQuota,
    AwardType,
    MeetingRank,
    Nomination,
    VoteRule,
)
from emulation.nominees.models import Household, OtherUnit, Person
from emulation.reports.models import LegalBasis, ReportSettings
from emulation.review.models import DossierReview


class AttendeeInline(OrganisationAccess, admin.TabularInline):
    model = Attendee
    extra = 0


class RecommendationInline(OrganisationAccess, admin.TabularInline):
    model = Recommendation
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["cluster", "year", "ordinal", "date", "host"]
    list_filter = ["cluster"]
    list_select_related = ["cluster", "host"]
    autocomplete_fields = ["host"]
    inlines = [AttendeeInline, RecommendationInline]


@admin.register(AwardType)
class AwardTypeAdmin(VersionedAdminMixin, OrganisationAccess, admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(AwardQuota)
class AwardQuotaAdmin(VersionedAdminMixin, OrganisationAccess, admin.ModelAdmin):
    list_display = ["cluster", "year", "award_type", "quota"]
    list_filter = ["cluster", "year"]


@admin.register(VoteRule)
class VoteRuleAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    """Also edited by the chair on the nominations' rules page; both keep its history."""

    list_display = [
        "cluster",
        "year",
        "quorum_percent",
        "threshold_base",
        "threshold_comparison",
        "threshold_percent",
        "voting_method",
    ]
    list_filter = ["cluster", "year"]


@admin.register(MeetingRank)
class MeetingRankAdmin(OrganisationAccess, admin.ModelAdmin):
    """Read here; written when the scoring meeting is recorded (cleared on a reopen)."""

    list_display = ["cluster", "year", "rank", "province"]
    list_filter = ["cluster", "year"]
    list_select_related = ["cluster", "province"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AwardRecord)
class AwardRecordAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["year", "__str__", "decision_number", "decision_date", "issuer"]
    list_filter = ["year"]
    list_select_related = ["alliance", "cooperative", "other_unit", "person", "household"]
    autocomplete_fields = ["alliance", "cooperative", "other_unit", "person", "household"]


@admin.register(Person)
class PersonAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["full_name", "position", "province"]
    list_select_related = ["province"]
    search_fields = ["full_name", "position", "workplace"]
    autocomplete_fields = ["province"]


@admin.register(OtherUnit)
class OtherUnitAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["legal_name", "unit_type", "province"]
    list_filter = ["unit_type"]
    list_select_related = ["province"]
    search_fields = ["legal_name", "head_office"]
    autocomplete_fields = ["province"]


@admin.register(Household)
class HouseholdAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["head_name", "address", "province"]
    list_select_related = ["province"]
    search_fields = ["head_name", "address"]
    autocomplete_fields = ["province"]


@admin.register(Nomination)
class NominationAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["year", "cluster", "award_type", "__str__", "status"]
    list_filter = ["cluster", "year", "award_type", "status"]
    list_select_related = [
        "cluster",
        "award_type",
        "nominee_alliance",
        "nominee_cooperative__province",
        "nominee_person__province",
        "nominee_household__province",
        "nominee_other_unit__province",
    ]
    autocomplete_fields = ["nominee_alliance", "nominee_cooperative"]
    # What the nomination rules decide (emulation.nominations.rules) is changed on the
    # nominations page, where the rules apply, not here.
    readonly_fields = [
        "cluster",
        "year",
        "award_type",
        "nominee_alliance",
        "nominee_cooperative",
        "nominee_person",
        "nominee_household",
        "nominee_other_unit",
        "status",
        "votes_for",
        "votes_present",
        "voting_method",
        "ballots_issued",
        "ballots_returned",
        "ballots_valid",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        """Nominees are proposed on the nominations page, where the rules apply."""
        return False


@admin.register(ReportSettings)
class ReportSettingsAdmin(OrganisationAccess, CheckedHistoryAdmin):
    """Read here, with its history; edited on the portal's settings page, which checks the
    version so that two people never silently overwrite each other."""

    list_display = ["cluster", "year", "__str__", "signer_name", "version", "updated_by"]
    list_filter = ["cluster", "year"]
    list_select_related = ["cluster", "updated_by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LegalBasis)
class LegalBasisAdmin(VersionedAdminMixin, OrganisationAccess, admin.ModelAdmin):
    """The "Căn cứ …" lines the annual report, the submission letter and the agreement open
    with, each in force between two dates, for every cluster or one; and the alliance's
    own lines, which only its award decisions cite."""

    list_display = ["text", "cluster", "in_force_from", "in_force_until", "order", "alliance_only"]
    list_filter = ["cluster", "cited_by_agreement", "alliance_only", "in_force_from"]


from emulation.dossiers import admin as dossiers_admin  # noqa: E402, F401  (registers its models)

from .scoring import admin as scoring_admin  # noqa: E402,F401 - registers the scoring admin

# Records the pages write through their services (review steps, decisions, the news post,
# the API's idempotency keys): admins read them here, with their history where they have one.


class AwardeeInline(ReadOnly, OrganisationAccess, admin.TabularInline):
    model = DecisionAwardee
    fields = ["order", "nomination"]
    readonly_fields = fields
    extra = 0


@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnly, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["number", "date", "award_type", "year", "signer_name"]
    list_filter = ["year", "award_type"]
    search_fields = ["number", "signer_name"]
    inlines = [AwardeeInline]


@admin.register(DossierReview)
class DossierReviewAdmin(ReadOnly, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["cluster", "year", "state", "rounds", "sent_at"]
    list_filter = ["state", "year"]


@admin.register(NewsPost)
class NewsPostAdmin(ReadOnly, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["title", "cluster", "year", "updated_by", "updated_at"]
    list_filter = ["year"]


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnly, OrganisationAccess, admin.ModelAdmin):
    list_display = ["token", "key", "status", "created"]
