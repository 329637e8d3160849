"""Every list of the API, page by page, one way (issue 25): the parameters `limit` (1–1000,
default 100), `offset` and `updated_since`; in the answer `count` (rows matching the
filters, every page), `limit`, `offset`, `next_offset` (null on the last page) and
`deleted`, with the rows under `items` (or, in an answer that also describes what the rows
belong to, under that answer's own list field: `loans`, `members`, `records`…).

`updated_since` keeps the rows written (or changed in what the row shows) at or after
that moment, and `deleted` then names the rows that left the list since: deleted, or no
longer matching its filters (a membership ended, a unit's validity changed). A client
keeping a copy in step asks with the moment of its last complete read and applies both."""

import datetime
from collections.abc import Callable, Iterable
from typing import Annotated

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from .schemas import Int

MAX_LIMIT = 1000

Limit = Annotated[
    Int, Query(100, ge=1, le=MAX_LIMIT, description="số mục mỗi trang (mặc định 100, tối đa 1000)")
]
Offset = Annotated[
    Int, Query(0, ge=0, le=10**9, description="bỏ qua bao nhiêu mục đầu (xem `next_offset`)")
]


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A moment without a zone is read in the portal's (Asia/Ho_Chi_Minh); one the
    database cannot hold in UTC (year 1 at +07:00) is refused (422), not a 500."""
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        detail = gettext("Thời điểm %(value)s nằm ngoài khoảng đọc được.")
        raise PydanticCustomError("datetime", detail % {"value": moment.isoformat()}) from None


Since = Annotated[
    datetime.datetime | None,
    AfterValidator(_aware),
    Query(
        None,
        description=(
            "chỉ các mục ghi hoặc thay đổi từ thời điểm này (ISO 8601, ví dụ "
            "2024-06-05T08:00:00+07:00; không có múi giờ: giờ Việt Nam); `deleted` khi đó "
            "nêu các mục đã bị xóa hoặc ra khỏi danh sách"
        ),
    ),
]


class PageInfo(Schema):
    count: int = Field(..., description="số mục khớp bộ lọc (mọi trang)")
    limit: int = Field(..., description="số mục tối đa của trang")
    offset: int = Field(..., description="số mục đã bỏ qua")
    next_offset: int | None = Field(None, description="`offset` của trang sau; null: trang cuối")


class Page(PageInfo):
    """A page of rows that have an `id`."""

    deleted: list[int] = Field(
        default_factory=list,
        description="có `updated_since`: mã (`id`) các mục đã xóa hoặc ra khỏi danh sách",
    )


class KeyedPage(PageInfo):
    """A page of rows named by a code (a province's `code`, a cluster's `slug`)."""

    deleted: list[str] = Field(
        default_factory=list,
        description=(
            "có `updated_since`: mã (mã tỉnh, mã cụm) các mục đã xóa hoặc ra khỏi danh sách"
        ),
    )


def paginate(
    rows: QuerySet | list,
    *,
    limit: int,
    offset: int,
    out: Callable = lambda row: row,
    deleted: Iterable = (),
    key: str = "items",
) -> dict:
    """The page of `rows` (a queryset: counted and sliced in the database; a list: in
    memory) with the paging fields, its rows made by `out` and put under `key`."""
    if isinstance(rows, QuerySet):
        count = rows.count()
        page = list(rows[offset : offset + limit]) if offset < count else []
    else:
        count = len(rows)
        page = rows[offset : offset + limit]
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if offset + limit < count else None,
        key: [out(row) for row in page],
        "deleted": sorted(set(deleted)),
    }


def gone(changed: Iterable, present: Iterable) -> set:
    """The keys of rows changed (or deleted) since a moment that are not in the list now
    under its filters: what `deleted` names."""
    return set(changed) - set(present)


def changed_since(moment: datetime.datetime | None, since: datetime.datetime | None) -> bool:
    return since is None or (moment is not None and moment >= since)
