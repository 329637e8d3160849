from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cluster_portal.admin_access import OrganisationAccess
from emulation.models import (
    Attendee,
    AwardQuota,
    AwardType,
    Conference,
    Nomination,
    Recommendation,
    VoteRule,
)


class AttendeeInline(OrganisationAccess, admin.TabularInline):
    model = Attendee
    extra = 0


class RecommendationInline(OrganisationAccess, admin.TabularInline):
    model = Recommendation
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(OrganisationAccess, SimpleHistoryAdmin):
    list_display = ["cluster", "year", "ordinal", "date", "host"]
    list_filter = ["cluster"]
    list_select_related = ["cluster", "host"]
    autocomplete_fields = ["host"]
    inlines = [AttendeeInline, RecommendationInline]


@admin.register(AwardType)
class AwardTypeAdmin(OrganisationAccess, admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(AwardQuota)
class AwardQuotaAdmin(OrganisationAccess, admin.ModelAdmin):
    list_display = ["cluster", "year", "award_type", "quota"]
    list_filter = ["cluster", "year"]


@admin.register(VoteRule)
class VoteRuleAdmin(OrganisationAccess, admin.ModelAdmin):
    list_display = ["cluster", "year", "threshold_percent"]


@admin.register(Nomination)
class NominationAdmin(OrganisationAccess, SimpleHistoryAdmin):
    list_display = ["year", "cluster", "award_type", "__str__", "status"]
    list_filter = ["cluster", "year", "award_type", "status"]
    list_select_related = [
        "cluster",
        "award_type",
        "nominee_alliance",
        "nominee_cooperative__province",
    ]
    autocomplete_fields = ["nominee_alliance", "nominee_cooperative"]


from emulation.dossiers import admin as dossiers_admin  # noqa: E402, F401  (registers its models)
