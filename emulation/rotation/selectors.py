"""Reads of the emulation year's rotation: the members in rotation order, the default
head and vice-head of the next year, and where last year's members went after a merger."""

from dataclasses import dataclass

from django.db.models import Q

from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province
from provinces.organisation.selectors import counts_as


def members_in_rotation_order(cluster: Cluster, year: int) -> list[Province]:
    memberships = (
        ClusterMembership.objects.in_year(year).filter(cluster=cluster).select_related("province")
    )
    ordered = sorted(
        memberships,
        key=lambda m: (m.rotation_order is None, m.rotation_order or 0, m.province.sort_key),
    )
    return [m.province for m in ordered]


def clusters_holding_successors(cluster: Cluster, year: int) -> list[Cluster]:
    """The clusters that hold, in `year`, the units last year's members count as."""
    previous = members_in_rotation_order(cluster, year - 1)
    successors = {counts_as(p, year).pk for p in previous}
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
        elsewhere = clusters_holding_successors(cluster, to_year) if not members else []
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
