"""The award-history register (sổ theo dõi khen thưởng) of a province: its rows, and a row
added, with the register page's access (emulation/awards/lookups.py: the province's staff
keep it, the chair and vice-head of the year read their members', admins all) and the
page's rules (emulation/awards/services.py): a refused row is 422 with `detail`, nothing
saved."""

import datetime

from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from emulation.awards.lookups import get_register_for_user
from emulation.awards.models import AwardRecord
from emulation.awards.selectors import (
    directory_cooperative,
    register_changed_since,
    register_of,
)
from emulation.awards.services import AwardRegisterError, award_record_add

from .lookups import ref
from .paging import Limit, Offset, Page, Since, gone, paginate
from .schemas import Code, Int, Problem, Text, Year

router = Router(tags=["Sổ theo dõi khen thưởng"])


class UnitOut(Schema):
    kind: str = Field(
        ...,
        description=(
            "alliance (Liên minh HTX tỉnh), cooperative (HTX/THT), person (cá nhân) hoặc "
            "household (hộ gia đình)"
        ),
    )
    id: int
    name: str


class AwardRecordOut(Schema):
    id: int
    unit: UnitOut
    year: int = Field(..., description="năm của thành tích được khen")
    award: str
    decision_number: str
    decision_date: datetime.date
    issuer: str
    version: int
    updated_at: datetime.datetime = Field(..., description="lần ghi cuối")


class RegisterOut(Page):
    province: dict
    records: list[AwardRecordOut] = Field(..., description="các dòng của trang")


class AwardRecordIn(Schema):
    year: Int = Field(..., description="năm của thành tích được khen")
    award: Text = Field(..., max_length=255, description="hình thức khen thưởng")
    decision_number: Text = Field(..., max_length=100, description="số quyết định")
    decision_date: datetime.date = Field(..., description="ngày quyết định (YYYY-MM-DD)")
    issuer: Text = Field(..., max_length=255, description="cơ quan ban hành quyết định")
    cooperative: Text = Field(
        "",
        max_length=255,
        description="tên HTX/THT trong danh bạ của tỉnh; để trống: Liên minh HTX tỉnh",
    )


class RegisterFilter(Schema):
    award_year: Int | None = Field(None, description="chỉ các khen thưởng của năm thành tích này")
    unit: Text = Field(
        "",
        description="alliance: chỉ của Liên minh HTX tỉnh; hoặc tên một HTX/THT trong danh bạ",
    )


def record_out(record: AwardRecord) -> dict:
    kind = record.unit_kind
    unit = {"kind": kind, "id": getattr(record, f"{kind}_id"), "name": record.unit_name}
    return {
        "id": record.pk,
        "unit": unit,
        "year": record.year,
        "award": record.award,
        "decision_number": record.decision_number,
        "decision_date": record.decision_date,
        "issuer": record.issuer,
        "version": record.version,
        "updated_at": record.updated_at,
    }


@router.get(
    "/awards/{year}/{code}",
    response={200: RegisterOut, 422: Problem},
    summary="Sổ theo dõi khen thưởng của một tỉnh",
    description=(
        "Các khen thưởng Liên minh HTX tỉnh và các HTX, THT của tỉnh đã nhận, mỗi dòng với "
        "số, ngày và cơ quan ban hành quyết định; lọc theo năm thành tích và theo đơn vị. "
        "Cùng quyền đọc như trang sổ theo dõi khen thưởng. Từng trang (`limit`, `offset`); "
        "`updated_since`: chỉ các dòng ghi từ thời điểm đó, kèm `deleted`: mã (`id`) các "
        "dòng đã xóa hoặc không còn khớp bộ lọc."
    ),
)
def register_list(
    request,
    year: Year,
    code: Code,
    filters: Query[RegisterFilter],
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    py = get_register_for_user(request, year, code)
    records = register_of(py.province)
    if filters.award_year is not None:
        records = [r for r in records if r.year == filters.award_year]
    if filters.unit == "alliance":
        records = [r for r in records if r.alliance_id]
    elif filters.unit:
        cooperative = directory_cooperative(py.province, filters.unit)
        if cooperative is None:
            return Status(422, {"detail": _unknown(filters.unit, py.province)})
        records = [r for r in records if r.cooperative_id == cooperative.pk]
    deleted = ()
    if updated_since is not None:
        changed = register_changed_since(py.province, updated_since)
        deleted = gone(changed, (r.pk for r in records))
        records = [r for r in records if r.updated_at >= updated_since]
    page = paginate(
        records, limit=limit, offset=offset, out=record_out, deleted=deleted, key="records"
    )
    return {"province": ref(py.province), **page}


def _unknown(name: str, province) -> str:
    return gettext("Không có HTX/THT “%(name)s” trong danh bạ của tỉnh %(province)s.") % {
        "name": name,
        "province": province.name,
    }


@router.post(
    "/awards/{year}/{code}",
    response={201: AwardRecordOut, 422: Problem},
    summary="Ghi một khen thưởng vào sổ theo dõi của tỉnh",
    description=(
        "Như biểu mẫu của trang sổ theo dõi khen thưởng: cán bộ tỉnh cho Liên minh HTX và "
        "các HTX, THT của tỉnh mình, quản trị viên cho mọi tỉnh; dòng sai quy định: 422 kèm "
        "lý do, không ghi gì."
    ),
)
def register_add(request, year: Year, code: Code, payload: AwardRecordIn):
    py = get_register_for_user(request, year, code, write=True)
    record = AwardRecord(
        year=payload.year,
        award=payload.award,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        issuer=payload.issuer,
    )
    if payload.cooperative:
        record.cooperative = directory_cooperative(py.province, payload.cooperative)
        if record.cooperative is None:
            return Status(422, {"detail": _unknown(payload.cooperative, py.province)})
    else:
        record.alliance = py.province
    try:
        award_record_add(record=record, by=request.user)
    except AwardRegisterError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(201, record_out(record))
