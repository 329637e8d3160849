from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cluster_portal.admin_access import CheckedHistoryAdmin, OrganisationAccess
from cluster_portal.locking import (
    VersionedAdminMixin,
    VersionedModelForm,
)
from provinces.disbursements.models import Cooperative, Disbursement
from provinces.figures.forms import FigureFieldsMixin
from provinces.figures.models import YearlyFigures
from provinces.figures.services import FiguresError, figures_save
from provinces.figures.spec import by_section
from provinces.organisation.models import (
    NATIONAL_ALLIANCE,
    Cluster,
    ClusterMembership,
    ClusterTerm,
    Province,
    StaffProfile,
)


class HistoryOrganisationAdmin(OrganisationAccess, CheckedHistoryAdmin):
    pass


# Every record here that two admins may edit at once carries its version through the change
# form (cluster_portal.locking): a stale save is a form error, nothing is overwritten.


@admin.register(Province)
class ProvinceAdmin(VersionedAdminMixin, HistoryOrganisationAdmin):
    list_display = ["name", "code", "valid_from", "valid_to", "successor"]
    list_filter = ["valid_to"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["successor"]


class MembershipInline(OrganisationAccess, admin.TabularInline):
    model = ClusterMembership
    form = VersionedModelForm  # each row at the version the cluster's page showed
    extra = 0
    autocomplete_fields = ["province"]


@admin.register(Cluster)
class ClusterAdmin(VersionedAdminMixin, HistoryOrganisationAdmin):
    list_display = ["name", "slug", "from_year", "to_year"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(VersionedAdminMixin, HistoryOrganisationAdmin):
    list_display = ["province", "cluster", "from_year", "to_year"]
    list_filter = ["cluster"]
    autocomplete_fields = ["province"]


class StaffProfileForm(forms.ModelForm):
    """A profile is either the national alliance's (no province) or a province's: the
    database's check constraint, said on the field an admin left wrong."""

    class Meta:
        model = StaffProfile
        fields = ["national", "province"]

    def clean(self):
        data = super().clean()
        national, province = data.get("national"), data.get("province")
        if national and province is not None:
            self.add_error(
                "province", _("Cán bộ Liên minh HTX Việt Nam không thuộc tỉnh nào: để trống.")
            )
        elif not national and province is None and "province" not in self.errors:
            self.add_error(
                "province",
                _("Chọn tỉnh, hoặc đánh dấu cán bộ Liên minh HTX Việt Nam."),
            )
        return data


class StaffProfileInline(OrganisationAccess, admin.StackedInline):
    model = StaffProfile
    form = StaffProfileForm
    can_delete = True
    autocomplete_fields = ["province"]
    verbose_name = _("Liên minh HTX nơi công tác")


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
        if profile is None:
            return "—"
        return NATIONAL_ALLIANCE if profile.national else profile.province.name


class YearlyFiguresAdminForm(FigureFieldsMixin, VersionedModelForm):
    """Carries the version the admin loaded: the row is locked and compared while the form
    is cleaned (a form error rather than an exception), and figures_save checks it again
    in the same transaction. The indicators are read as on the portal's form (FigureField:
    the indicator's precision, refused with the same message)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_figure_fields()


@admin.register(YearlyFigures)
class YearlyFiguresAdmin(VersionedAdminMixin, HistoryOrganisationAdmin):
    """Admins correct figures here with the same rules as the web form; the life cycle
    (submit, return, approve, reopen) is driven from the record's page in the portal."""

    form = YearlyFiguresAdminForm

    list_display = ["province", "year", "status", "version", "updated_at"]
    list_filter = ["year", "status"]
    list_select_related = ["province"]
    search_fields = ["province__name", "province__code"]
    autocomplete_fields = ["province"]
    readonly_fields = [
        "status",
        "status_reason",
        "warnings_explanation",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["province", "year"]}),
        *[
            (title, {"fields": [i.code for i in indicators]})
            for _, title, indicators in by_section()
        ],
        ("Trạng thái", {"fields": [*readonly_fields, "seen_version"]}),
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        editable = obj is None or obj.is_editable
        return editable and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        try:
            seen = form.cleaned_data.get("seen_version") if change else None
            figures_save(figures=obj, by=request.user, seen_version=seen)
        except FiguresError as exc:
            raise ValidationError(str(exc)) from exc


@admin.register(Cooperative)
class CooperativeAdmin(VersionedAdminMixin, HistoryOrganisationAdmin):
    list_display = ["name", "kind", "province", "registration_number", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["province"]
    search_fields = ["name", "name_key", "registration_number"]
    autocomplete_fields = ["province"]


@admin.register(Disbursement)
class DisbursementAdmin(VersionedAdminMixin, HistoryOrganisationAdmin):
    list_display = ["date", "province", "fund", "borrower", "amount"]
    list_filter = ["fund", "date"]
    list_select_related = ["province", "borrower"]
    search_fields = ["borrower__name", "purpose"]
    autocomplete_fields = ["province", "borrower"]
    date_hierarchy = "date"


@admin.register(ClusterTerm)
class ClusterTermAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["cluster", "year", "head", "vice"]
    list_filter = ["cluster", "year"]
    list_select_related = ["cluster", "head", "vice"]
    autocomplete_fields = ["head", "vice"]


# Feature packages' admins register themselves when imported.
from .calendar import admin as calendar_admin  # noqa: E402, F401
from .notices import admin as notices_admin  # noqa: E402, F401
