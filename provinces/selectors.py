from .models import Cluster, ClusterMembership, Province


def province_for_code(code: str, year: int) -> Province | None:
    """Which unit province code `code` means in `year`: the unit valid on 31 December."""
    return Province.objects.resolve(code, year)


def cluster_members(cluster: Cluster | str, year: int) -> list[Province]:
    """The member alliances of a cluster (object or slug) in `year`, by name."""
    memberships = ClusterMembership.objects.in_year(year).select_related("province")
    if isinstance(cluster, Cluster):
        memberships = memberships.filter(cluster=cluster)
    else:
        memberships = memberships.filter(cluster__slug=cluster)
    return sorted((m.province for m in memberships), key=lambda p: p.sort_key)
