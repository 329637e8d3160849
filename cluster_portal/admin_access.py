from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from . import access
from .numbers import is_ascii_digits, vn_formfield


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

    Mixed into model admins and inlines alike (inlines pass `obj` to the add check). Their
    number fields read through the portal's one number reader, and a record id that is not
    ASCII digits ("２") finds no record (Django's int() would read it as 2).
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.IntegerField | models.DecimalField) and not (
            db_field.choices or db_field.primary_key
        ):
            return vn_formfield(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        integer_key = isinstance(self.model._meta.pk, models.IntegerField)
        if from_field is None and integer_key and not is_ascii_digits(unquote(object_id)):
            return None
        return super().get_object(request, object_id, from_field)

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


class CheckedHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's history pages with the object id checked first: an id
    that is not a number is a 404 rather than a ValueError (500) in the query."""

    def _check_object_id(self, object_id: str) -> None:
        integer_key = isinstance(self.model._meta.pk, models.IntegerField)
        if integer_key and not is_ascii_digits(unquote(object_id)):
            raise Http404
        try:
            value = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        if isinstance(value, int) and not 0 < value < 2**63:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._check_object_id(object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_object_id(object_id)
        if not is_ascii_digits(str(version_id)) or len(str(version_id)) > 18:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnly:
    """An admin list of records the portal's pages write (through their services, with
    history): admins look, nobody adds, changes or deletes them here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
