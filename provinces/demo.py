"""Demo data for development and trials: reference data, an admin and staff users."""

from django.contrib.auth import get_user_model
from django.db.models import F

from emulation.models import ClusterTerm

from .models import Cluster, ClusterMembership, Province, StaffProfile
from .reference import load_clusters, load_provinces, load_terms


def organisation_seed() -> None:
    """The reference provinces, clusters, membership and terms (as loaded on migrate)."""
    load_provinces(Province)
    load_clusters(Cluster, ClusterMembership, Province)
    load_terms(ClusterTerm, Cluster, Province)


def demo_users_seed(*, password: str) -> list[str]:
    """`admin` and one staff user per member province, named by the province's name
    without accents or spaces. A staff user belongs to the earliest unit of that name and
    acts for its successor after a merger. Returns the usernames."""
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="admin")
    admin.is_superuser = admin.is_staff = admin.is_active = True
    admin.first_name, admin.last_name = "Quản trị", "viên"
    admin.set_password(password)
    admin.save()
    usernames = [admin.username]

    member_names = set(ClusterMembership.objects.values_list("province__name", flat=True))
    earliest: dict[str, Province] = {}
    units = Province.objects.filter(name__in=member_names)
    for unit in units.order_by(F("valid_from").asc(nulls_first=True)):
        earliest.setdefault(unit.name, unit)
    for name, unit in sorted(earliest.items(), key=lambda item: item[1].slug):
        user, _ = User.objects.get_or_create(username=unit.slug)
        user.first_name, user.last_name = "Cán bộ", f"LMHTX {name}"
        user.is_superuser = user.is_staff = False
        user.is_active = True
        user.set_password(password)
        user.save()
        StaffProfile.objects.update_or_create(user=user, defaults={"province": unit})
        usernames.append(user.username)
    return usernames
