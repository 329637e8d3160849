"""Who may do what with the nomination rules and the award-history register (issue 23).
A module beside `access` (which is at the house's size limit), built on its roles: the
same derived roles, the same one place for each decision.

- The nomination rules of a cluster-year: the chair of the year and admins edit them;
  everyone in the cluster reads them on the nominations page.
- The award-history register of a province: its own staff keep it (their alliance's and
  their cooperatives' awards); the chair and the vice-head of a year read the registers of
  that year's members (they build and check the dossier); national staff read every
  member's (they review the dossiers); admins read and correct all.
- The agreement of a cluster-year as a document: every member once signed, the draft the
  chair's and admins'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .access import (
    _acts_for,
    _is_vice,
    _reads_approved_everywhere,
    home_province,
    is_admin,
    reads_every_state,
)

if TYPE_CHECKING:
    from .access import ClusterTerm, ProvinceYear, User


def can_edit_vote_rules(user: User, term: ClusterTerm | None) -> bool:
    return reads_every_state(user, term)


def can_view_award_register(user: User, py: ProvinceYear) -> bool:
    """National staff read every register (they check nominees against it), write none."""
    return (
        reads_every_state(user, py.term)
        or _is_vice(user, py.term)
        or _acts_for(user, py.province, py.year)
        or (py.cluster is not None and _reads_approved_everywhere(user))
    )


def can_edit_award_register(user: User, py: ProvinceYear) -> bool:
    return is_admin(user) or _acts_for(user, py.province, py.year)


def can_import_award_register(user: User) -> bool:
    """The register's upload page: provincial staff (their own rows) and admins."""
    return is_admin(user) or home_province(user) is not None


def can_read_agreement(user: User, term: ClusterTerm | None, *, signed: bool) -> bool:
    """The agreement as a document, for a reader already in the cluster-year: once the
    members signed it, every one of them (it is theirs); before, the draft is the chair's
    and admins' (design.md, "Who reads what")."""
    return signed or reads_every_state(user, term)
