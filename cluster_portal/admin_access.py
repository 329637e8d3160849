from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from . import access


class PortalAdminSite(admin.AdminSite):
    site_header = "Quản trị Cổng thông tin Cụm thi đua Liên minh HTX"
    site_title = "Quản trị Cụm thi đua"
    index_title = "Danh mục và người dùng"

    def has_permission(self, request) -> bool:
        return access.can_use_admin(request.user)


class PortalAdminConfig(AdminConfig):
    default_site = "cluster_portal.admin_access.PortalAdminSite"


class OrganisationAccess:
    """Admin permissions for the organisation's records, all decided by `access`.

    Mixed into model admins and inlines alike (inlines pass `obj` to the add check).
    """

    def has_module_permission(self, request) -> bool:
        return access.can_manage_organisation(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_manage_organisation(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return access.can_manage_organisation(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can_manage_organisation(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.can_manage_organisation(request.user)
