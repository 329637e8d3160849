from django.contrib import admin

from cluster_portal.admin_access import CheckedHistoryAdmin, OrganisationAccess

from .models import DEADLINE_FIELDS, Deadlines


@admin.register(Deadlines)
class DeadlinesAdmin(OrganisationAccess, CheckedHistoryAdmin):
    """Read here, with history; set on the cluster-year's deadlines page, which checks
    that nobody else changed them in the meantime."""

    list_display = ["cluster", "year", *DEADLINE_FIELDS, "version"]
    list_filter = ["cluster", "year"]
    readonly_fields = ["cluster", "year", *DEADLINE_FIELDS, "version", "updated_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
