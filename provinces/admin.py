from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from cluster_portal.admin_access import OrganisationAccess

from .models import Cluster, ClusterMembership, Province, StaffProfile


class HistoryOrganisationAdmin(OrganisationAccess, SimpleHistoryAdmin):
    pass


@admin.register(Province)
class ProvinceAdmin(HistoryOrganisationAdmin):
    list_display = ["name", "code", "valid_from", "valid_to", "successor"]
    list_filter = ["valid_to"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["successor"]


class MembershipInline(OrganisationAccess, admin.TabularInline):
    model = ClusterMembership
    extra = 0
    autocomplete_fields = ["province"]


@admin.register(Cluster)
class ClusterAdmin(HistoryOrganisationAdmin):
    list_display = ["name", "slug", "from_year", "to_year"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(HistoryOrganisationAdmin):
    list_display = ["province", "cluster", "from_year", "to_year"]
    list_filter = ["cluster"]
    autocomplete_fields = ["province"]


class StaffProfileInline(OrganisationAccess, admin.StackedInline):
    model = StaffProfile
    can_delete = True
    autocomplete_fields = ["province"]
    verbose_name = "Liên minh HTX tỉnh nơi công tác"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(OrganisationAccess, UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "province", "is_superuser", "is_active"]
    list_select_related = ["staff_profile__province"]

    @admin.display(description="Liên minh HTX tỉnh", ordering="staff_profile__province__name")
    def province(self, user) -> str:
        profile = getattr(user, "staff_profile", None)
        return profile.province.name if profile else "—"
