"""Writes of the emulation year: passing the cluster-head flag on. What the rotation
would do by default (and why it cannot) is read in `selectors.py`."""

from django.db import transaction

from cluster_portal.locking import StaleRecordError, claimed_save, version_claim
from provinces.organisation.models import Cluster, ClusterTerm, Province
from provinces.organisation.selectors import counts_as

from .selectors import clusters_holding_successors, default_vice, members_in_rotation_order


class RotationError(Exception):
    """A rotation refused for a reason the admin can act on; the message is Vietnamese and
    names no input. `remedy` says which input would let it through ("head": naming the
    head, "replace": replacing the term): the page says it in the words of its form, the
    command in its options."""

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
        hint = ""
        if elsewhere:
            names = "; ".join(f"{c.name} (mã {c.slug})" for c in elsewhere)
            hint = f" Các tỉnh của cụm năm {to_year - 1} nay thuộc: {names}."
        raise RotationError(f"{cluster.name} không có thành viên nào năm {to_year}.{hint}")
    existing = ClusterTerm.objects.select_for_update().filter(cluster=cluster, year=to_year).first()
    if existing and not replace:
        raise RotationError(
            f"Năm {to_year} đã có cụm trưởng ({existing.head.alliance_name}).", remedy="replace"
        )
    term = existing or ClusterTerm(cluster=cluster, year=to_year)
    # The year's term as the admin saw it (0: none): cluster_portal.locking.
    key = {"cluster": cluster, "year": to_year}
    version_claim(term, seen_version=seen_version, key=key, stale=StaleRotationError)
    if head is None:
        previous = ClusterTerm.objects.filter(cluster=cluster, year=to_year - 1).first()
        if previous is None or previous.vice is None:
            raise RotationError(
                f"Năm {to_year - 1} không có cụm phó để nhận cờ luân lưu: hãy chỉ định cụm "
                f"trưởng năm {to_year}.",
                remedy="head",
            )
        head = previous.vice
    member_ids = {p.pk for p in members}
    for role, unit in (("cụm trưởng", head), ("cụm phó", vice)):
        if unit is not None and unit.pk not in member_ids:
            merged = counts_as(unit, to_year)
            note = (
                f" ({unit.name} đã sáp nhập vào {merged}: quản trị viên cần chọn {role})"
                if merged.pk != unit.pk
                else ""
            )
            raise RotationError(
                f"{unit} không phải thành viên của cụm năm {to_year}, không thể làm {role}{note}."
            )
    if vice is None:
        vice = default_vice(cluster, to_year, head=head, members=members)
    if vice.pk == head.pk:
        raise RotationError("Cụm trưởng và cụm phó phải là hai Liên minh HTX khác nhau.")
    term.head, term.vice = head, vice
    term.full_clean(validate_unique=existing is None)
    term._history_user = by
    term._change_reason = "Thay thế nhiệm kỳ" if existing else "Luân chuyển cờ"
    if existing is None:  # two admins passing the flag for the same year at once
        claimed_save(term, stale=StaleRotationError)
    else:
        term.save()
    return term
