"""Writes of the emulation year: passing the cluster-head flag on."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from cluster_portal.locking import StaleRecordError, version_claim
from provinces.models import Cluster, ClusterMembership, ClusterTerm, Province


class RotationError(Exception):
    """A rotation refused for a reason the admin can act on; the message is Vietnamese."""


class StaleRotationError(RotationError, StaleRecordError):
    """The year's term changed after the admin saw it (or no version was sent)."""


def _members_in_rotation_order(cluster: Cluster, year: int) -> list[Province]:
    memberships = (
        ClusterMembership.objects.in_year(year).filter(cluster=cluster).select_related("province")
    )
    ordered = sorted(
        memberships,
        key=lambda m: (m.rotation_order is None, m.rotation_order or 0, m.province.sort_key),
    )
    return [m.province for m in ordered]


def _clusters_holding_successors(cluster: Cluster, year: int) -> list[Cluster]:
    previous = _members_in_rotation_order(cluster, year - 1)
    successors = {unit.pk for p in previous if (unit := p.unit_in(year)) is not None}
    clusters = Cluster.objects.filter(
        Q(memberships__to_year__isnull=True) | Q(memberships__to_year__gte=year),
        memberships__from_year__lte=year,
        memberships__province__in=successors,
    )
    return list(clusters.distinct().order_by("slug"))


def default_vice(
    cluster: Cluster, year: int, *, head: Province, members: list[Province]
) -> Province:
    """The next member after the head in rotation order who has waited longest since they
    were last head or vice-head (never is longest)."""
    last_served: dict[int, int] = {}
    for term in ClusterTerm.objects.filter(cluster=cluster, year__lt=year):
        for province_id in (term.head_id, term.vice_id):
            if province_id is not None:
                last_served[province_id] = max(last_served.get(province_id, 0), term.year)
    start = next((i for i, p in enumerate(members) if p.pk == head.pk), -1) + 1
    cyclic = members[start:] + members[:start]
    candidates = [p for p in cyclic if p.pk != head.pk]
    return min(candidates, key=lambda p: (last_served.get(p.pk, 0), candidates.index(p)))


@dataclass
class RotationDefaults:
    """What the rotate form does when the admin picks nobody, in words that are true for
    this cluster and year; `blocked` says why a rotation cannot succeed at all."""

    head: Province | None
    vice: Province | None
    head_label: str
    vice_label: str
    blocked: str = ""


def rotation_defaults(
    *, cluster: Cluster, to_year: int, members: list[Province]
) -> RotationDefaults:
    if len(members) < 2:
        elsewhere = _clusters_holding_successors(cluster, to_year) if not members else []
        hint = (
            f" Các tỉnh của cụm năm {to_year - 1} nay thuộc: "
            + "; ".join(f"{c.name} (mã {c.slug})" for c in elsewhere)
            + "."
            if elsewhere
            else ""
        )
        count = "không có thành viên nào" if not members else "chỉ có một thành viên"
        return RotationDefaults(
            None,
            None,
            "—",
            "—",
            blocked=f"Không thể trao cờ: {cluster.name} {count} năm {to_year}, cần ít nhất "
            f"hai thành viên (cụm trưởng và cụm phó).{hint} Quản trị viên cần khai báo "
            "thành viên cụm năm đó trước.",
        )
    previous = ClusterTerm.objects.filter(cluster=cluster, year=to_year - 1).first()
    member_ids = {p.pk for p in members}
    head = previous.vice if previous and previous.vice_id in member_ids else None
    if head is not None:
        head_label = f"Mặc định: {head.alliance_name} (cụm phó năm {to_year - 1})"
    elif previous is None:
        head_label = f"Chọn cụm trưởng (năm {to_year - 1} chưa có cụm trưởng, cụm phó)"
    elif previous.vice is None:
        head_label = f"Chọn cụm trưởng (năm {to_year - 1} không có cụm phó để nhận cờ)"
    else:
        head_label = (
            f"Chọn cụm trưởng ({previous.vice.name}, cụm phó năm {to_year - 1}, không còn là "
            f"thành viên năm {to_year})"
        )
    if head is not None:
        vice = default_vice(cluster, to_year, head=head, members=members)
        vice_label = (
            f"Mặc định: {vice.alliance_name} (thành viên kế tiếp theo thứ tự luân phiên, "
            "lâu nhất chưa làm cụm trưởng, cụm phó)"
        )
    else:
        vice = None
        vice_label = (
            "Mặc định: thành viên kế tiếp cụm trưởng đã chọn theo thứ tự luân phiên, lâu "
            "nhất chưa làm cụm trưởng, cụm phó"
        )
    return RotationDefaults(head, vice, head_label, vice_label)


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
    members = _members_in_rotation_order(cluster, to_year)
    if not members:
        elsewhere = _clusters_holding_successors(cluster, to_year)
        hint = ""
        if elsewhere:
            names = "; ".join(f"{c.name} (mã {c.slug})" for c in elsewhere)
            hint = f" Các tỉnh của cụm năm {to_year - 1} nay thuộc: {names}."
        raise RotationError(f"{cluster.name} không có thành viên nào năm {to_year}.{hint}")
    existing = ClusterTerm.objects.select_for_update().filter(cluster=cluster, year=to_year).first()
    if existing and not replace:
        raise RotationError(
            f"Năm {to_year} đã có cụm trưởng ({existing.head.alliance_name}). Dùng --replace "
            "(hoặc ô “Thay thế”) để thay: nhiệm kỳ cũ vẫn được lưu trong lịch sử."
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
                f"trưởng năm {to_year} (--head)."
            )
        head = previous.vice
    member_ids = {p.pk for p in members}
    for role, unit in (("cụm trưởng", head), ("cụm phó", vice)):
        if unit is not None and unit.pk not in member_ids:
            merged = unit.unit_in(to_year)
            note = (
                f" ({unit.name} đã sáp nhập vào {merged}: quản trị viên cần chọn {role})"
                if merged is not None and merged.pk != unit.pk
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
    term.save()
    return term
