"""Who may do what with the alliance's review of award dossiers and its decisions
(issue 26). A module beside `access` (at the house's size limit), built on its roles.

- A cluster's dossier is sent to the Vietnam Cooperative Alliance by the chair of the
  year (and admins); the chair and the cluster's members read where it stands.
- The alliance's reviewers read every cluster's dossier, take it under review, return it
  with a reason or accept it, and record the decisions: the national role
  (`access.is_national`, staff of Liên minh HTX Việt Nam), and admins. Provincial staff,
  the chair included, never review or decide.
- The public list of decided awards needs no login: it shows nothing but decided awards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import access

if TYPE_CHECKING:
    from .access import ClusterTerm, User


def can_send_dossier(user: User, term: ClusterTerm | None) -> bool:
    """The chair of the year, and admins."""
    return access.reads_every_state(user, term)


def can_review_dossiers(user: User) -> bool:
    """The alliance's reviewers (national staff), and admins."""
    return access.can_view_national(user)


def can_record_decisions(user: User) -> bool:
    """The alliance records its decisions: the reviewers' role, and admins."""
    return can_review_dossiers(user)
