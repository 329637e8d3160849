"""Writes of the emulation year: passing the cluster-head flag on. What the rotation
would do by default (and why it cannot) is read in `selectors.py`."""

from django.db import transaction
from django.utils.translation import gettext

from cluster_portal.locking import StaleRecordError, claimed_save, version_claim
from provinces.organisation.models import Cluster, ClusterTerm, Province
from provinces.organisation.selectors import counts_as

from .selectors import clusters_holding_successors, default_vice, members_in_rotation_order


class RotationError(Exception):
    """A rotation refused for a reason the admin can act on; the message is in the
    reader's language (Vietnamese msgids) and names no input. `remedy` says which input
    would let it through ("head": naming the head, "replace": replacing the term): the page
    says it in the words of its form, the command in its options."""

    def __init__(self, message: str, *, remedy: str = "", **kwargs):
        super().__init__(message, **kwargs)  # StaleRotationError: StaleRecordError's too
        self.remedy = remedy


class StaleRotationError(RotationError, StaleRecordError):
    """The year's term changed after the admin saw it (or no version was sent)."""


@transaction.atomic
def cluster_head_rotate(
    *,
    cluster: Cluster,
    to_year: int,
    vice: Province | None = None,
    head: Province | None = None,
    replace: bool = False,
    by=None,
    seen_version: int | None,
) -> ClusterTerm:
    """Pass the flag to `to_year`: by default this year's vice-head becomes the head, and
    the vice-head is the one given or the next in rotation order. The chair's rights move
    with the term at once, since they are derived from it. Replacing a term is refused
    when it changed after the admin saw it at `seen_version` (0: no term for that year;
    optimistic locking, a missing version is stale; the command passes what it read)."""
    members = members_in_rotation_order(cluster, to_year)
    if not members:
        elsewhere = clusters_holding_successors(cluster, to_year)
        message = gettext("%(cluster)s không có thành viên nào năm %(year)s.") % {
            "cluster": cluster.name,
            "year": to_year,
        }
        if elsewhere:
            code = gettext("%(name)s (mã %(code)s)")
            names = "; ".join(code % {"name": c.name, "code": c.slug} for c in elsewhere)
            message += " " + gettext("Các tỉnh của cụm năm %(year)s nay thuộc: %(names)s.") % {
                "year": to_year - 1,
                "names": names,
            }
        raise RotationError(message)
    existing = ClusterTerm.objects.select_for_update().filter(cluster=cluster, year=to_year).first()
    if existing and not replace:
        raise RotationError(
            gettext("Năm %(year)s đã có cụm trưởng (%(head)s).")
            % {"year": to_year, "head": existing.head.alliance_name},
            remedy="replace",
        )
    term = existing or ClusterTerm(cluster=cluster, year=to_year)
    # The year's term as the admin saw it (0: none): cluster_portal.locking.
    key = {"cluster": cluster, "year": to_year}
    version_claim(term, seen_version=seen_version, key=key, stale=StaleRotationError)
    if head is None:
        previous = ClusterTerm.objects.filter(cluster=cluster, year=to_year - 1).first()
        if previous is None or previous.vice is None:
            raise RotationError(
                gettext(
                    "Năm %(previous)s không có cụm phó để nhận cờ luân lưu: hãy chỉ định cụm "
                    "trưởng năm %(year)s."
                )
                % {"previous": to_year - 1, "year": to_year},
                remedy="head",
            )
        head = previous.vice
    member_ids = {p.pk for p in members}
    for role, unit in ((gettext("cụm trưởng"), head), (gettext("cụm phó"), vice)):
        if unit is not None and unit.pk not in member_ids:
            merged = counts_as(unit, to_year)
            values = {"unit": unit, "name": unit.name, "merged": merged, "year": to_year}
            if merged.pk != unit.pk:
                message = gettext(
                    "%(unit)s không phải thành viên của cụm năm %(year)s, không thể làm "
                    "%(role)s (%(name)s đã sáp nhập vào %(merged)s: quản trị viên cần chọn "
                    "%(role)s)."
                )
            else:
                message = gettext(
                    "%(unit)s không phải thành viên của cụm năm %(year)s, không thể làm %(role)s."
                )
            raise RotationError(message % {**values, "role": role})
    if vice is None:
        vice = default_vice(cluster, to_year, head=head, members=members)
    if vice.pk == head.pk:
        raise RotationError(gettext("Cụm trưởng và cụm phó phải là hai Liên minh HTX khác nhau."))
    term.head, term.vice = head, vice
    term.full_clean(validate_unique=existing is None)
    term._history_user = by
    term._change_reason = "Thay thế nhiệm kỳ" if existing else "Luân chuyển cờ"
    if existing is None:  # two admins passing the flag for the same year at once
        claimed_save(term, stale=StaleRotationError)
    else:
        term.save()
    return term
