"""Who may do what with the alliance's review of award dossiers and its decisions
(issue 26). A module beside `access` (at the house's size limit), built on its roles.

- A cluster's dossier is sent to the Vietnam Cooperative Alliance by the chair of the
  year (and admins); the chair and the cluster's members read where it stands.
- The alliance's reviewers read every cluster's dossier, take it under review, return it
  with a reason or accept it, and record the decisions: the national role. Until the
  national role is merged (`access.is_national`), admins stand in for it here and only here.
- The public list of decided awards needs no login (`can_view_public_awards`: everyone).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import access

if TYPE_CHECKING:
    from .access import ClusterTerm, User


def _national(user: User) -> bool:
    is_national = getattr(access, "is_national", None)
    if is_national is not None:
        return bool(is_national(user))
    return access.is_admin(user)


def can_send_dossier(user: User, term: ClusterTerm | None) -> bool:
    """The chair of the year, and admins."""
    return access.reads_every_state(user, term)


def can_review_dossiers(user: User) -> bool:
    """The alliance's reviewers (national staff), and admins."""
    return access.is_admin(user) or _national(user)


def can_view_review(user: User, term: ClusterTerm | None, member_ids: set[int], year: int) -> bool:
    """Where a cluster's dossier stands: its members that year, the reviewers."""
    return can_review_dossiers(user) or access.can_view_cluster_year(user, member_ids, year)


def can_record_decisions(user: User) -> bool:
    """The alliance records its decisions: the reviewers' role, and admins."""
    return can_review_dossiers(user)


def can_view_public_awards(user: User) -> bool:
    """The decided awards of a year are public (the law's principle of openness)."""
    return True
