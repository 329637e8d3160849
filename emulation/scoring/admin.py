"""Scoring in the admin: for looking up and for settings (total, tie-break order).

Scores, sheets and evidence are read-only here: they change through the portal's steps,
which check the states, the steps of 0,5 and the reasons, and keep the history."""

from django.contrib import admin

from cluster_portal.admin_access import CheckedHistoryAdmin, OrganisationAccess, ReadOnly
from cluster_portal.locking import VersionedAdminMixin

from .models import Criterion, EvidenceFile, Score, ScoreSheet, ScoringAgreement, Target


class CriterionInline(ReadOnly, OrganisationAccess, admin.TabularInline):
    model = Criterion
    fields = ["number", "title", "kind", "max_points", "indicator", "denominator", "bands"]
    readonly_fields = fields
    extra = 0
    show_change_link = False


@admin.register(ScoringAgreement)
class ScoringAgreementAdmin(VersionedAdminMixin, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["cluster", "year", "status", "signed_on", "meeting_date", "locked"]
    list_filter = ["cluster", "year", "status", "locked"]
    list_select_related = ["cluster"]
    fields = [
        "cluster",
        "year",
        "total_points",
        "tie_breaks",
        "status",
        "signed_on",
        "meeting_date",
        "meeting_present",
        "meeting_notes",
        "locked",
        "reopen_reason",
        "seen_version",
    ]
    readonly_fields = [
        "cluster",
        "year",
        "status",
        "signed_on",
        "meeting_date",
        "meeting_present",
        "locked",
        "reopen_reason",
    ]
    inlines = [CriterionInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Criterion)
class CriterionAdmin(ReadOnly, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["agreement", "number", "title", "kind", "max_points"]
    list_filter = ["agreement__cluster", "agreement__year", "kind"]
    list_select_related = ["agreement__cluster"]


@admin.register(Target)
class TargetAdmin(ReadOnly, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["criterion", "province", "value"]
    list_filter = ["criterion__agreement__cluster", "criterion__agreement__year"]
    list_select_related = ["criterion", "province"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnly, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["agreement", "province", "status", "submitted_at", "cross_checked_at"]
    list_filter = ["agreement__cluster", "agreement__year", "status"]
    list_select_related = ["agreement__cluster", "province"]


@admin.register(Score)
class ScoreAdmin(ReadOnly, OrganisationAccess, CheckedHistoryAdmin):
    list_display = ["sheet", "criterion", "self_points", "cluster_points", "final_points"]
    list_filter = ["sheet__agreement__cluster", "sheet__agreement__year"]
    list_select_related = ["sheet__agreement__cluster", "sheet__province", "criterion"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnly, OrganisationAccess, admin.ModelAdmin):
    list_display = ["original_name", "score", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["score__sheet__province", "score__criterion", "uploaded_by"]
    exclude = ["file"]  # served by the portal to readers of the sheet, not by a media URL
