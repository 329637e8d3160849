"""`GET /me`: who the token acts as — its user, the user's alliance, roles and the token's
own scope — so that a system can check its setup before it reads or writes."""

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema

from cluster_portal import access
from provinces.organisation.models import ClusterTerm

from .lookups import cluster_ref, ref
from .schemas import ClusterRef, ProvinceRef


class UserOut(Schema):
    username: str
    full_name: str
    email: str


class ChairOut(Schema):
    cluster: ClusterRef
    year: int


class TokenOut(Schema):
    name: str
    prefix: str = Field(..., description="đầu mã, để nhận biết mã")
    scope: Literal["read", "write"] = Field(..., description="read: chỉ đọc; write: đọc và ghi")
    expires: datetime.datetime


class MeOut(Schema):
    user: UserOut
    unit: ProvinceRef | None = Field(None, description="liên minh ghi trong hồ sơ người dùng")
    unit_now: ProvinceRef | None = Field(
        None, description="đơn vị mà người dùng làm việc cho năm nay (sau sáp nhập)"
    )
    roles: list[Literal["admin", "staff", "chair"]] = Field(
        ..., description="admin: quản trị viên; staff: cán bộ tỉnh; chair: cụm trưởng"
    )
    chairs: list[ChairOut] = Field(..., description="các cụm và năm người dùng là cụm trưởng")
    token: TokenOut


router = Router(tags=["Account"])


def _chaired_terms(user) -> list[ClusterTerm]:
    """The terms whose head alliance is the user's unit that year (one query: the terms
    headed by the user's alliance or a unit it merged into)."""
    home = access.home_province(user)
    if home is None:
        return []
    units, unit = [], home
    while unit is not None and unit not in units:
        units.append(unit)
        unit = unit.successor
    terms = ClusterTerm.objects.with_alliances().filter(head__in=units).order_by("-year")
    return [term for term in terms if access.is_chair(user, term)]


def _roles(user, terms: list[ClusterTerm]) -> list[str]:
    """What the user is, in access's words: "admin", "staff" (of an alliance), "chair" of
    one of `terms` (each decided by cluster_portal.access)."""
    found = []
    if access.is_admin(user):
        found.append("admin")
    if access.home_province(user) is not None:
        found.append("staff")
    if terms:  # _chaired_terms keeps the terms access.is_chair grants
        found.append("chair")
    return found


@router.get(
    "/me",
    response=MeOut,
    summary="Mã truy cập này là của ai",
    description=(
        "Người dùng mà mã truy cập đại diện, liên minh của người đó, các vai trò (quản trị "
        "viên, cán bộ tỉnh, cụm trưởng của những năm nào) và phạm vi của mã (chỉ đọc hay "
        "đọc và ghi), hạn dùng của mã."
    ),
)
def me(request):
    user, token = request.user, request.api_token
    terms = _chaired_terms(user)
    home = access.home_province(user)
    today = timezone.localdate().year
    return {
        "user": {
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "email": user.email,
        },
        "unit": ref(home) if home else None,
        "unit_now": ref(unit) if home and (unit := access.unit_of(user, today)) else None,
        "roles": _roles(user, terms),
        "chairs": [{"cluster": cluster_ref(t.cluster), "year": t.year} for t in terms],
        "token": {
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
            "expires": token.expires,
        },
    }
