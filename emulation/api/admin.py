from django.contrib import admin, messages
from django.utils.translation import gettext

from cluster_portal.admin_access import OrganisationAccess

from .models import ApiToken
from .tokens import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(OrganisationAccess, admin.ModelAdmin):
    """Tokens are made by their owner (page /api/tokens/) or `manage.py api_token`, so the
    token is shown to whoever will use it; here admins see them and revoke them."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created",
        "expires",
        "last_used",
        "revoked_at",
    ]
    list_filter = ["scope", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scope",
        "created",
        "expires",
        "last_used",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Thu hồi các mã đã chọn")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
        messages.success(request, gettext("Đã thu hồi."))
