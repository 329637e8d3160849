from django.contrib import admin

from cluster_portal.admin_access import OrganisationAccess

from .models import EmailChangeRequest, Notice, NoticePreference


@admin.register(Notice)
class NoticeAdmin(OrganisationAccess, admin.ModelAdmin):
    """What was told to whom and whether the e-mail went out (read only)."""

    list_display = ["created_at", "recipient", "kind", "subject", "read_at", "email_state"]
    list_filter = ["kind", "email_state"]
    search_fields = ["recipient__username", "subject", "key"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NoticePreference)
class NoticePreferenceAdmin(OrganisationAccess, admin.ModelAdmin):
    list_display = ["user", "delivery", "mute_reminders"]
    list_filter = ["delivery", "mute_reminders"]
    autocomplete_fields = ["user"]


@admin.register(EmailChangeRequest)
class EmailChangeRequestAdmin(OrganisationAccess, admin.ModelAdmin):
    """Who asked to change their address, to what, and whether the link was opened
    (read only: the rows bound how many requests a user makes per hour)."""

    list_display = ["requested_at", "user", "old_email", "email", "confirmed_at"]
    search_fields = ["user__username", "email", "old_email"]
    readonly_fields = [f.name for f in EmailChangeRequest._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
