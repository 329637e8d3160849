from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cluster_portal.admin_access import OrganisationAccess

from .models import ClusterTerm


@admin.register(ClusterTerm)
class ClusterTermAdmin(OrganisationAccess, SimpleHistoryAdmin):
    list_display = ["cluster", "year", "head", "vice"]
    list_filter = ["cluster", "year"]
    list_select_related = ["cluster", "head", "vice"]
    autocomplete_fields = ["head", "vice"]
