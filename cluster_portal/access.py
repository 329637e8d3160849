"""Who may do what: every access decision of the portal, in one module.

Roles are derived, never stored. An admin is a superuser. Provincial staff are users with
a staff profile tying them to one alliance; after a merger they act for the unit their
alliance merged into. The chair of a cluster for year Y is the staff of that year's head
alliance: the rights move with the term, at once, when the flag passes. National staff
(Liên minh HTX Việt Nam: a national profile, no province) read every cluster's approved
records and write no province's data: they act for no unit, so every write rule refuses them.

Views and the admin call these functions and nothing else to decide access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cluster_portal.profiles import profile_ids, profile_of
from cluster_portal.refusals import own_unit_words

if TYPE_CHECKING:  # what the rules read of the apps' objects
    from .access_types import (
        ClusterTerm,
        NomineeContext,
        Province,
        ProvinceYear,
        SheetContext,
        User,
    )


def is_admin(user: User) -> bool:
    return bool(user.is_active and user.is_superuser)


def home_province(user: User) -> Province | None:
    """The alliance a user's profile names (as recorded, before any merger), if any."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_home_province"):
        profile = profile_of(user.pk)
        user._national = bool(profile and profile.national)
        user._home_province = profile.province if profile else None
    return user._home_province


def is_national(user: User) -> bool:
    """Staff of the national alliance (Liên minh HTX Việt Nam): they read the approved
    records of every cluster (figures, loans, scores once the meeting is recorded, the
    report in every format), never a working preview, and write no province's data."""
    if not user.is_authenticated or not user.is_active:
        return False
    if hasattr(user, "_national"):  # the profile read already (`home_province`)
        return user._national
    if hasattr(user, "_profile_ids"):  # read with the user (cluster_portal/auth.py)
        return user._profile_ids[1]
    home_province(user)  # the profile, which the rules asking this read next anyway
    return user._national if hasattr(user, "_national") else profile_ids(user)[1]


def can_view_national(user: User) -> bool:
    """The national pages (every cluster of a year): national staff and admins."""
    return is_admin(user) or is_national(user)


def reader_class(user: User) -> str:
    """Who `user` is to the read rules of this module: admin, national staff, staff of one
    alliance, or neither. Every read decision here depends on nothing else, so two users of
    the same class read the same things, and a generated document may be shared between
    them (`cluster_portal.documents`, where it is asked on every cached download: the
    profile's province id and national flag in one precompiled statement, not
    `home_province`'s joins)."""
    if is_admin(user):
        return "admin"
    if hasattr(user, "_home_province") and hasattr(user, "_national"):
        province_id = user._home_province.pk if user._home_province else None
        national = user._national
    else:
        province_id, national = profile_ids(user)
    if national:
        return "national"
    return f"staff:{province_id}" if province_id else "none"


def _reads_approved_everywhere(user: User) -> bool:
    """National staff who are not admins: every cluster-year, approved records only."""
    return not is_admin(user) and is_national(user)


def unit_of(user: User, year: int) -> Province | None:
    """The provincial unit a user acts for in `year`, following mergers forward."""
    province = home_province(user)
    return province.unit_in(year) if province else None


def is_chair(user: User, term: ClusterTerm | None) -> bool:
    """Staff of the head alliance of the term's year chair that cluster for that year."""
    if term is None:
        return False
    unit = unit_of(user, term.year)
    return unit is not None and unit.pk == term.head_id


def reads_every_state(user: User, term: ClusterTerm | None) -> bool:
    """The chair of a cluster-year and admins: they read (and decide on) the records of
    every member of that cluster-year in every state, marked as such."""
    return is_admin(user) or is_chair(user, term)


def can_view_cluster_year(user: User, member_ids: set[int], year: int) -> bool:
    """Admins and national staff see every cluster (national staff: its approved records);
    staff see the clusters their unit belongs to that year.
    Every page of a cluster-year asks this, through
    `provinces.organisation.lookups.check_cluster_year` (views and API, through
    `cluster_year_for`) or directly (lists)."""
    if is_admin(user) or is_national(user):
        return True
    unit = unit_of(user, year)
    return unit is not None and unit.pk in member_ids


def can_manage_organisation(user: User) -> bool:
    """Provinces, clusters, membership, terms and users are kept by admins only."""
    return is_admin(user)


def can_use_admin(user: User) -> bool:
    return is_admin(user)


def _acts_for(user: User, province: Province, year: int) -> bool:
    unit = unit_of(user, year)
    return unit is not None and unit.pk == province.pk


# Four eyes -------------------------------------------------------------------------------
#
# Nobody approves, returns, reopens, cross-checks or settles the work of their own unit (an
# admin who is also a province's staff included): the chair's own unit is handled by the
# vice-head of the year (an admin where there is none), the vice-head's by the chair. The
# judging rights below ask `judges` (the vice-head's cross-check: not its own unit); pages,
# services (inside their transaction) and the API give the reason `own_unit_refusal` words.


def _is_vice(user: User, term: ClusterTerm | None) -> bool:
    unit = unit_of(user, term.year) if term else None
    return unit is not None and unit.pk == term.vice_id


def judges(user: User, term: ClusterTerm | None, province: Province, year: int) -> bool:
    """The chair of the year and admins judge every member's work, the vice-head the
    chair's unit's; nobody their own unit's."""
    if _acts_for(user, province, year):
        return False
    stands_in = term is not None and province.pk == term.head_id and _is_vice(user, term)
    return reads_every_state(user, term) or stands_in


def own_unit_refusal(user: User, subject: ProvinceYear | SheetContext, action: str) -> str | None:
    """Why `user` may not do `action` (a key of refusals.JUDGING) on `subject` (a province's
    work of a year): it is their own unit's; and who does it instead. None: not their unit's."""
    term, province, year = subject.term, subject.province, subject.year
    if user is None or province is None or not _acts_for(user, province, year):
        return None
    if action == "reopen":  # admins only
        who = "other_admin"
    elif term is not None and province.pk == term.head_id:
        who, year = ("vice", term.year) if term.vice_id else ("admin", year)
    else:
        who = "head" if term is not None else "admin"
    return own_unit_words(action, who, year)


# Yearly figures -------------------------------------------------------------------------
#
# Provincial staff enter and submit their own province's figures while they are a draft
# or returned; the chair of the year (and an admin) returns or approves submitted ones, the
# vice-head the chair's unit's (four eyes); only an admin reopens approved figures. Staff of
# the other members see approved figures.


def can_view_figures(user: User, py: ProvinceYear) -> bool:
    """The read rule for a yearly record, on every path (pages, report in every format,
    charts, previous-year comparisons, exports, API): staff read their own unit's record
    in any state and the approved records of the other members of the record's
    cluster-year; the chair of that year and admins read every state, the vice-head the
    chair's unit's record it is to decide on (submitted); national staff every approved
    record. Callers reading many records go
    through `provinces.figures.selectors.readable_figures`."""
    if reads_every_state(user, py.term) or _acts_for(user, py.province, py.year):
        return True
    submitted = py.figures is not None and py.figures.is_submitted
    if submitted and judges(user, py.term, py.province, py.year):  # vice-head: chair's unit
        return True
    approved = py.figures is not None and py.figures.is_locked
    if approved and _reads_approved_everywhere(user):
        return True
    unit = unit_of(user, py.year)
    return approved and unit is not None and unit.pk in py.member_ids


def can_edit_figures(user: User, py: ProvinceYear) -> bool:
    if py.cluster is None or not (is_admin(user) or _acts_for(user, py.province, py.year)):
        return False
    return py.figures is None or py.figures.is_editable


def can_submit_figures(user: User, py: ProvinceYear) -> bool:
    return py.figures is not None and py.figures.pk is not None and can_edit_figures(user, py)


def can_decide_figures(user: User, py: ProvinceYear) -> bool:
    """Return or approve: the chair of that year, or an admin; the vice-head for the
    chair's unit; never one's own unit."""
    submitted = py.figures is not None and py.figures.is_submitted
    return submitted and judges(user, py.term, py.province, py.year)


def can_reopen_figures(user: User, py: ProvinceYear) -> bool:
    approved = py.figures is not None and py.figures.is_locked
    return approved and is_admin(user) and not _acts_for(user, py.province, py.year)


def can_see_figures_history(user: User, py: ProvinceYear) -> bool:
    return reads_every_state(user, py.term) or judges(user, py.term, py.province, py.year)


def can_import_figures_for(
    user: User, province: Province, year: int, term: ClusterTerm | None
) -> bool:
    """Staff upload rows for their own province; the chair and admins for every member."""
    return reads_every_state(user, term) or _acts_for(user, province, year)


# Fund disbursement register --------------------------------------------------------------
#
# Staff keep their own province's register; the chair of the year and admins read every
# member's register; admins may also correct any of them.


def can_view_disbursements(user: User, py: ProvinceYear) -> bool:
    """National staff read every member's register: loans have no approval of their own,
    the report (approved records only) counts every loan recorded, as the year page does."""
    if _reads_approved_everywhere(user):
        return py.cluster is not None
    return reads_every_state(user, py.term) or _acts_for(user, py.province, py.year)


def can_edit_disbursements(user: User, py: ProvinceYear) -> bool:
    return py.cluster is not None and (is_admin(user) or _acts_for(user, py.province, py.year))


def can_open_disbursement_import(user: User) -> bool:
    """The register upload page is for provincial staff and admins."""
    return is_admin(user) or home_province(user) is not None


def can_import_disbursements_for(
    user: User, unit: Province, year: int, term: ClusterTerm | None
) -> bool:
    """Staff import their own unit's disbursements; the chair of that year any member's of the
    chair's cluster; admins every province's."""
    return reads_every_state(user, term) or _acts_for(user, unit, year)


# Emulation year: conference record and award nominations ----------------------------------
#
# Everyone in the cluster that year reads them; the chair of the year (and an admin) edits
# the conference record, records the votes and moves nominations along; provincial staff
# propose nominees from their own province, the chair for any member.


def can_edit_conference(user: User, term: ClusterTerm | None) -> bool:
    return reads_every_state(user, term)


def can_propose_nomination(
    user: User, province: Province, year: int, term: ClusterTerm | None
) -> bool:
    """Staff propose nominees of their own province; the chair and admins for any member."""
    return reads_every_state(user, term) or _acts_for(user, province, year)


def can_manage_nominations(user: User, term: ClusterTerm | None) -> bool:
    return reads_every_state(user, term)


def can_rotate_cluster_head(user: User) -> bool:
    return is_admin(user)


# Annual cluster report ---------------------------------------------------------------------
#
# The report, in every format, is for the cluster's members of that year and the same for
# all of them (approved records only); the chair of the year and admins may open its
# working preview, which counts the submitted records too.


def can_preview_report(user: User, term: ClusterTerm | None) -> bool:
    return reads_every_state(user, term)


def can_export_all_figures(user: User, term: ClusterTerm | None) -> bool:
    """Whether the year page says the export holds every member's record in every state."""
    return reads_every_state(user, term)


def can_edit_report_settings(user: User, term: ClusterTerm | None) -> bool:
    """The report's number, date, signer and recipients: the chair of the year, admins."""
    return reads_every_state(user, term)


# The cluster's calendar and notices -------------------------------------------------------
#
# The chair of a year (and an admin) sets that year's deadlines; everyone in the cluster
# reads them. A notice is read by its recipient only; every signed-in user keeps their own
# notice preferences and e-mail address.


def can_edit_deadlines(user: User, term: ClusterTerm | None) -> bool:
    return reads_every_state(user, term)


def can_read_notice(user: User, recipient_id: int) -> bool:
    return user.is_authenticated and user.pk == recipient_id


# Emulation scoring ---------------------------------------------------------------------------
#
# The chair of the year (and an admin) builds and signs the agreement. A member's staff
# self-score their own sheet while it is a draft; the chair and the vice-head cross-check
# submitted sheets; the member answers; the chair settles and records the meeting, which
# locks the scores; only an admin reopens them. Reading follows the figures rule: one's own
# sheet in any state, the chair, vice-head and admins every sheet, other members once the
# scoring meeting is recorded. An evidence file is readable exactly when its sheet is.


def reads_every_score(user: User, term: ClusterTerm | None) -> bool:
    """The chair, the vice-head of the year and admins: they cross-check, so they read
    every member's sheet, the totals and the ranking before the scoring meeting."""
    return reads_every_state(user, term) or _is_vice(user, term)


def can_set_up_scoring(user: User, term: ClusterTerm | None) -> bool:
    return reads_every_state(user, term)


def can_view_score_sheet(user: User, ctx: SheetContext) -> bool:
    if reads_every_score(user, ctx.term) or _acts_for(user, ctx.province, ctx.year):
        return True
    recorded = ctx.agreement is not None and ctx.agreement.result_recorded
    if recorded and _reads_approved_everywhere(user):
        return True
    unit = unit_of(user, ctx.year)
    return recorded and unit is not None and unit.pk in ctx.member_ids


def _open_for_scoring(ctx: SheetContext) -> bool:
    return ctx.agreement is not None and ctx.agreement.is_signed and not ctx.agreement.locked


def can_edit_score_sheet(user: User, ctx: SheetContext) -> bool:
    """Self-scoring, evidence and submitting: the member's staff or an admin, on a draft."""
    draft = ctx.sheet is None or not ctx.sheet.is_submitted
    mine = is_admin(user) or _acts_for(user, ctx.province, ctx.year)
    return mine and draft and _open_for_scoring(ctx)


def can_cross_check_score_sheet(user: User, ctx: SheetContext) -> bool:
    """The chair, the vice-head and admins, never on their own unit's sheet (four eyes)."""
    submitted = ctx.sheet is not None and ctx.sheet.is_submitted
    judging = reads_every_score(user, ctx.term) and not _acts_for(user, ctx.province, ctx.year)
    return judging and submitted and _open_for_scoring(ctx)


def can_answer_score_sheet(user: User, ctx: SheetContext) -> bool:
    """The member agrees with or contests the cluster's scores."""
    checked = ctx.sheet is not None and ctx.sheet.cross_checked_at is not None
    mine = is_admin(user) or _acts_for(user, ctx.province, ctx.year)
    return mine and checked and _open_for_scoring(ctx)


def can_settle_score_sheet(user: User, ctx: SheetContext) -> bool:
    checked = ctx.sheet is not None and ctx.sheet.cross_checked_at is not None
    judging = judges(user, ctx.term, ctx.province, ctx.year)
    return judging and checked and _open_for_scoring(ctx)


def can_record_scoring_meeting(user: User, term: ClusterTerm | None) -> bool:
    return reads_every_state(user, term)


def can_reopen_scoring(user: User) -> bool:
    return is_admin(user)


def can_view_scoring_summary(user: User, ctx: SheetContext) -> bool:
    """The summary of every member, with the totals and the ranking, on every path (the
    overview page, a member's sheet, the PDF and Excel files, the API): whoever reads
    every sheet, and every member once the scoring meeting is recorded."""
    if reads_every_score(user, ctx.term):
        return True
    return ctx.agreement is not None and ctx.agreement.result_recorded


def can_view_evidence_file(user: User, ctx: SheetContext) -> bool:
    return can_view_score_sheet(user, ctx)


def can_change_evidence_file(user: User, ctx: SheetContext) -> bool:
    return can_edit_score_sheet(user, ctx)


# Award dossiers ----------------------------------------------------------------------------
#
# A nominee's achievement report is written and submitted by the staff of the nominee's
# province (for a cooperative, the province of its directory entry, followed through a
# merger); the chair of the year and admins read every report and may return a submitted
# one. The dossier itself (page and download) is the chair's and the admins'.


def can_view_achievement_report(user: User, ctx: NomineeContext) -> bool:
    if reads_every_state(user, ctx.term):
        return True
    if ctx.province is None:
        return False
    mine = _acts_for(user, ctx.province, ctx.year)
    return mine or judges(user, ctx.term, ctx.province, ctx.year)


def can_edit_achievement_report(user: User, ctx: NomineeContext) -> bool:
    """Write and submit: the nominee's province staff (or an admin) while it is a draft."""
    mine = is_admin(user) or (ctx.province is not None and _acts_for(user, ctx.province, ctx.year))
    return mine and ctx.in_dossier and (ctx.report is None or ctx.report.is_editable)


def can_return_achievement_report(user: User, ctx: NomineeContext) -> bool:
    """The chair and admins, the vice-head for the chair's unit; never one's own (four eyes)."""
    submitted = ctx.report is not None and ctx.report.is_submitted
    if ctx.province is None:  # a nominee of no province: not a member's own work
        return submitted and reads_every_state(user, ctx.term)
    return submitted and judges(user, ctx.term, ctx.province, ctx.year)


def can_build_dossier(user: User, term: ClusterTerm | None) -> bool:
    return reads_every_state(user, term)


def api_token_may_write(token: Any) -> bool:
    """A read-only API token writes nothing, whatever its user may do (TokenScope)."""
    return token is not None and token.scope == "write"
