"""Loans (disbursements) one by one, with stable ids: read, list page by page with
`updated_since`, update (PUT, PATCH) and delete under the register's rules and optimistic
locking. Access is the pages' (`provinces.disbursements.lookups`), the writes are the pages'
services (`disbursement_record`, `disbursement_delete`): nothing here bypasses them."""

from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext
from ninja import Query, Router, Status

from cluster_portal.locking import StaleRecordError
from provinces.disbursements.lookups import (
    get_disbursement_for_user,
    get_disbursements_for_user,
    register_of,
)
from provinces.disbursements.models import Disbursement
from provinces.disbursements.selectors import (
    disbursements_deleted_since,
    province_disbursements,
)
from provinces.disbursements.services import disbursement_delete, disbursement_record
from provinces.organisation.models import Province

from .conditional import seen_version, version_etag
from .lookups import money
from .paging import Limit, Offset, Page, Since, paginate
from .problems import ApiProblem
from .schemas import Int, LoanOut, LoanPatch, LoanWrite

router = Router(tags=["Loans"])

YearQuery = Annotated[Int, Query(ge=1990, le=2999, description="năm giải ngân, ví dụ 2024")]
FundQuery = Annotated[
    Literal["htx_dev", "other"] | None, Query(None, description="chỉ các khoản của quỹ này")
]


class LoansPage(Page):
    items: list[LoanOut]


def loan_out(disbursement: Disbursement) -> dict:
    return {
        "id": disbursement.pk,
        "version": disbursement.version,
        "ref": disbursement.client_ref,
        "province": disbursement.province.code,
        "fund": disbursement.fund,
        "date": disbursement.date,
        "borrower": disbursement.borrower.name,
        "borrower_type": disbursement.borrower.kind,
        "amount": money(disbursement.amount),
        "purpose": disbursement.purpose,
        "term_months": disbursement.term_months,
        "updated_at": disbursement.updated_at,
    }


def _with_etag(response: HttpResponse, disbursement: Disbursement) -> dict:
    """The loan, its version as the answer's ETag (`response`: ninja's answer in the making)."""
    response["ETag"] = version_etag(disbursement.version)
    return loan_out(disbursement)


@router.get(
    "/loans",
    response=LoansPage,
    summary="Các khoản giải ngân, từng trang",
    description=(
        "Các khoản trong sổ giải ngân của một tỉnh một năm (như `/loans/{year}/{code}`), "
        "mới ghi nhất sau cùng, từng trang (`limit`, `offset`), lọc theo quỹ; "
        "`updated_since`: chỉ các khoản ghi từ thời điểm đó, kèm mã các khoản đã xóa."
    ),
)
def loans_page(
    request,
    year: YearQuery,
    code: Annotated[str, Query(description="mã tỉnh, hiểu theo năm")],
    fund: FundQuery = None,
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    py = get_disbursements_for_user(request, year, code)
    loans = province_disbursements(py, fund=fund or "").order_by("updated_at", "pk")
    deleted = []
    if updated_since is not None:
        loans = loans.filter(updated_at__gte=updated_since)
        deleted = disbursements_deleted_since(py, since=updated_since)
    return paginate(loans, limit=limit, offset=offset, out=loan_out, deleted=deleted)


@router.get(
    "/loans/{pk}",
    response=LoanOut,
    summary="Một khoản giải ngân",
    description=(
        "Một khoản giải ngân theo mã của nó, với `version` (cũng là ETag): ai đọc được sổ "
        "giải ngân có khoản đó thì đọc được (404 nếu không)."
    ),
)
def loan_detail(request, response: HttpResponse, pk: int):
    disbursement, _ = get_disbursement_for_user(request, pk)
    return _with_etag(response, disbursement)


def _stale(exc: StaleRecordError):
    raise ApiProblem(409, str(exc), code="stale_version") from None


def _invalid(exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    problems = [
        {
            "location": "body",
            "field": "borrower" if name == "name" else name,
            "code": "rule",
            "detail": message,
        }
        for name, messages in errors.items()
        for message in messages
    ]
    detail = gettext("Khoản giải ngân chưa hợp lệ: %(errors)s") % {
        "errors": " ".join(p["detail"] for p in problems)
    }
    raise ApiProblem(422, detail, code="rule_violation", errors=problems) from None


def _save(request, response, disbursement: Disbursement, values: dict, version: int | None):
    """Give `disbursement` the `values` (every field of LoanWrite) and save it with the pages'
    service, in the register its new province and date put it in (which the user must be
    allowed to edit, as the one it leaves)."""
    province = Province.objects.valid_on(values["date"]).filter(code=values["province"]).first()
    if province is None:
        message = gettext(
            "Không có tỉnh nào mang mã %(code)s vào ngày giải ngân: mã tỉnh tính theo đơn vị "
            "có hiệu lực vào ngày đó."
        ) % {"code": values["province"]}
        problem = {"location": "body", "field": "province", "code": "rule", "detail": message}
        raise ApiProblem(422, message, code="rule_violation", errors=[problem])
    disbursement.province = province
    disbursement.date = values["date"]
    register_of(request, disbursement, write=True)
    disbursement.fund = values["fund"]
    disbursement.amount = values["amount"]
    disbursement.purpose = values["purpose"]
    disbursement.term_months = values["term_months"]
    disbursement.client_ref = values["ref"]
    disbursement._change_reason = request.api_token.history_reason
    try:
        with transaction.atomic():
            recorded = disbursement_record(
                disbursement=disbursement,
                borrower_name=values["borrower"],
                borrower_kind=values["borrower_type"],
                by=request.user,
                seen_version=version,
            )
    except StaleRecordError as exc:
        _stale(exc)
    except ValidationError as exc:
        _invalid(exc)
    return _with_etag(response, recorded.disbursement)


WRITE_RESPONSES = {200: LoanOut}  # the errors: problems (openapi.py)


@router.put(
    "/loans/{pk}",
    response=WRITE_RESPONSES,
    summary="Sửa một khoản giải ngân (gửi đủ các trường)",
    description=(
        "Thay mọi trường của khoản giải ngân, theo quy tắc của sổ và của trang sửa: cần "
        "`version` đã đọc (hoặc tiêu đề If-Match); phiên bản đã cũ hoặc không gửi: 409. "
        "Người vay chưa có trong danh bạ được thêm vào."
    ),
)
def loan_replace(request, response: HttpResponse, pk: int, payload: LoanWrite):
    disbursement, _ = get_disbursement_for_user(request, pk, write=True)
    version = seen_version(request, payload.version)
    return _save(request, response, disbursement, payload.model_dump(), version)


@router.patch(
    "/loans/{pk}",
    response=WRITE_RESPONSES,
    summary="Sửa một vài trường của khoản giải ngân",
    description=(
        "Như PUT, nhưng chỉ thay các trường được gửi; các trường khác giữ như đang lưu. "
        "Cần `version` đã đọc (hoặc tiêu đề If-Match)."
    ),
)
def loan_update(request, response: HttpResponse, pk: int, payload: LoanPatch):
    disbursement, _ = get_disbursement_for_user(request, pk, write=True)
    current = loan_out(disbursement)
    sent = payload.model_dump(exclude_unset=True)
    version = seen_version(request, sent.pop("version", None))
    values = {**current, **{k: v for k, v in sent.items() if v is not None or k == "term_months"}}
    return _save(request, response, disbursement, values, version)


@router.delete(
    "/loans/{pk}",
    response={204: None},
    summary="Xóa một khoản giải ngân",
    description=(
        "Xóa khoản giải ngân đã đọc ở phiên bản `version` (tham số, hoặc tiêu đề If-Match), "
        "theo quy tắc của trang xóa: phiên bản đã cũ hoặc không gửi: 409."
    ),
)
def loan_delete(
    request,
    pk: int,
    version: Annotated[Int | None, Query(ge=0, description="phiên bản đã đọc")] = None,
):
    disbursement, _ = get_disbursement_for_user(request, pk, write=True)
    disbursement._change_reason = request.api_token.history_reason
    try:
        disbursement_delete(
            disbursement=disbursement,
            by=request.user,
            seen_version=seen_version(request, version),
        )
    except StaleRecordError as exc:
        _stale(exc)
    return Status(204, None)
