from django.contrib import admin

from cluster_portal.admin_access import CheckedHistoryAdmin, OrganisationAccess
from emulation.dossiers.models import AchievementReport, DossierSettings


@admin.register(AchievementReport)
class AchievementReportAdmin(OrganisationAccess, CheckedHistoryAdmin):
    """Read-only here, with its history: reports are written on their page, where the
    version check keeps two editors from overwriting each other."""

    list_display = ["nomination", "status", "submitted_at", "updated_at"]
    list_filter = ["status", "nomination__year", "nomination__cluster"]
    search_fields = ["nomination__nominee_cooperative__name", "nomination__nominee_alliance__name"]
    list_select_related = [
        "nomination__nominee_alliance",
        "nomination__nominee_cooperative__province",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DossierSettings)
class DossierSettingsAdmin(OrganisationAccess, CheckedHistoryAdmin):
    """Read-only here, with its history: the chair sets them on the dossier's settings
    page, where the version check and the date rule apply."""

    list_display = ["cluster", "year", "number", "document_date", "signer_name"]
    list_filter = ["year", "cluster"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
