"""The alliance's review of the clusters' award dossiers (issue 26): the reviewers list the
dossiers of a year page by page (as `/loans`), read one with each nominee checked against
the rules of its award, and move it on (take it under review, return it with a reason,
accept it); the chair of the cluster-year sends it (again after a return). Access is the
pages' (`emulation.review.lookups`, `cluster_portal.access_review`), the reads the pages'
selectors and the steps the pages' services (`emulation.review.services`), with the
version read (`version` or `If-Match`): stale → 409, a step the state does not allow →
409, a dossier that does not meet the rules → 422."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from cluster_portal import access_review
from emulation.dossiers.selectors import dossier_for
from emulation.nominations.models import NominationStatus
from emulation.review import services
from emulation.review.lookups import cluster_for_reviewer, reviewer_only
from emulation.review.models import DossierReview, ReviewState
from emulation.review.selectors import review_checks, review_of, reviews_of
from provinces.organisation.lookups import cluster_year_for

from .conditional import seen_version, version_etag
from .lookups import cluster_ref
from .paging import Limit, Offset, Page, Since, paginate
from .problems import ApiProblem
from .schemas import ClusterRef, Count, Slug, Text, Year

router = Router(tags=["Reviews"])


class ReviewOut(Schema):
    cluster: ClusterRef
    year: int
    state: ReviewState | None = Field(..., description="null: Cụm chưa gửi hồ sơ")
    rounds: int = Field(..., description="số lần gửi (0: chưa gửi)")
    note: str = Field(..., description="ghi chú của Cụm khi gửi (lần gửi lại: đã sửa gì)")
    reason: str = Field(..., description="lý do trả lại (khi state là returned)")
    sent_by: str | None = Field(..., description="tên đăng nhập người gửi")
    sent_at: datetime.datetime | None
    reviewer: str | None = Field(..., description="tên đăng nhập người thẩm định")
    reviewed_at: datetime.datetime | None
    version: int = Field(..., description="phiên bản (0: chưa gửi); gửi lại khi chuyển bước")
    updated_at: datetime.datetime | None


class ReviewsPage(Page):
    """The paging fields of every list (`paging.Page`; `deleted` stays empty: a dossier
    sent is never deleted) and the page's reviews."""

    items: list[ReviewOut]


class AwardHeld(Schema):
    year: int
    award: str
    decision: str


class NomineeCheckOut(Schema):
    nomination: int = Field(..., description="mã đề nghị khen thưởng")
    nominee: str
    nominee_kind: str = Field(..., description="alliance | cooperative | person | household")
    award_type: str
    status: NominationStatus
    ok: bool = Field(..., description="đạt quy định và không thiếu gì")
    problems: list[str] = Field(..., description="trái quy định của hình thức khen thưởng")
    missing: list[str] = Field(..., description="hồ sơ còn thiếu")
    awards: list[AwardHeld] = Field(..., description="đã được khen (sổ khen thưởng)")


class ReviewDetailOut(ReviewOut):
    complete: bool = Field(..., description="hồ sơ đủ (không thiếu gì)")
    general: list[str] = Field(..., description="hồ sơ còn thiếu, không riêng đề nghị nào")
    nominees: list[NomineeCheckOut]


class VersionIn(Schema):
    version: Count | None = Field(None, description="phiên bản đã đọc (hoặc tiêu đề If-Match)")


class ReturnIn(VersionIn):
    reason: Text = Field(..., min_length=1, max_length=2000, description="lý do trả lại")


class SendIn(VersionIn):
    note: Text = Field(
        "", max_length=2000, description="gửi lại hồ sơ bị trả lại: đã bổ sung, sửa những gì"
    )


def review_out(review: DossierReview | None, cluster=None, year: int | None = None) -> dict:
    if review is None:
        empty = dict.fromkeys(("sent_by", "sent_at", "reviewer", "reviewed_at", "updated_at"))
        return {
            "cluster": cluster_ref(cluster),
            "year": year,
            "state": None,
            "rounds": 0,
            "note": "",
            "reason": "",
            "version": 0,
            **empty,
        }
    return {
        "cluster": cluster_ref(review.cluster),
        "year": review.year,
        "state": review.state,
        "rounds": review.rounds,
        "note": review.note,
        "reason": review.reason,
        "sent_by": review.sent_by.username if review.sent_by else None,
        "sent_at": review.sent_at,
        "reviewer": review.reviewer.username if review.reviewer else None,
        "reviewed_at": review.reviewed_at,
        "version": review.version,
        "updated_at": review.updated_at,
    }


def _check_out(check) -> dict:
    nomination = check.nominee.nomination
    return {
        "nomination": nomination.pk,
        "nominee": check.nominee.name,
        "nominee_kind": nomination.nominee_kind,
        "award_type": nomination.award_type.code,
        "status": nomination.status,
        "ok": check.ok,
        "problems": check.problems,
        "missing": [m.text for m in check.missing],
        "awards": [
            {"year": r.year, "award": r.award, "decision": r.decision_text} for r in check.awards
        ],
    }


@router.get(
    "/years/{year}/reviews",
    response=ReviewsPage,
    summary="Hồ sơ khen thưởng các Cụm gửi trong năm, từng trang",
    description=(
        "Hồ sơ khen thưởng các Cụm gửi Liên minh HTX Việt Nam năm `year` với trạng thái "
        "thẩm định, bước mới nhất sau cùng, từng trang (`limit`, `offset`, như `/loans`); "
        "lọc theo trạng thái, theo cụm; `updated_since`: chỉ các hồ sơ có bước từ thời "
        "điểm đó. Dành cho cán bộ Liên minh HTX Việt Nam và quản trị viên (người khác: 403)."
    ),
)
def reviews_list(
    request,
    year: Year,
    state: Annotated[ReviewState | None, Query(None, description="chỉ hồ sơ ở trạng thái")] = None,
    cluster: Annotated[
        str | None,
        Query(None, pattern="^[a-z0-9-]{1,60}$", description="chỉ hồ sơ của cụm (mã cụm)"),
    ] = None,
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    reviewer_only(request)
    rows = reviews_of(year, state=state, cluster=cluster, updated_since=updated_since)
    return paginate(rows, limit=limit, offset=offset, out=review_out)


@router.get(
    "/years/{year}/reviews/{slug}",
    response=ReviewDetailOut,
    summary="Thẩm định hồ sơ khen thưởng của một Cụm",
    description=(
        "Trạng thái thẩm định hồ sơ của cụm `slug` năm `year` (null: chưa gửi) và từng đề "
        "nghị đối chiếu với quy định của hình thức khen thưởng (biểu quyết, chỉ tiêu, mỗi "
        "thành tích một hình thức, sổ khen thưởng, lý do khi xếp hạng thấp) cùng những gì "
        "hồ sơ còn thiếu, như trang thẩm định. Người thẩm định và quản trị viên (khác: 403)."
    ),
)
def review_detail(request, year: Year, slug: Slug):
    cluster = cluster_for_reviewer(request, slug, year)
    review = review_of(cluster, year)
    checks = review_checks(dossier_for(cluster, year))
    return {
        **review_out(review, cluster, year),
        "complete": not checks.problems,
        "general": [m.text for m in checks.general],
        "nominees": [_check_out(check) for check in checks.nominees],
    }


def _moved(response: HttpResponse, run) -> dict:
    """Run a step of the service: its refusals as problems, the review moved on with its
    version as the answer's ETag."""
    try:
        review = run()
    except services.StaleReviewError as exc:
        raise ApiProblem(409, str(exc), code="stale_version") from None
    except services.ReviewStateError as exc:
        raise ApiProblem(409, str(exc), code="state_conflict") from None
    except services.ReviewError as exc:
        raise ApiProblem(422, str(exc), code="rule_violation") from None
    response["ETag"] = version_etag(review.version)
    return review_out(review)


def _review_for(request, slug: str, year: int) -> DossierReview:
    review = review_of(cluster_for_reviewer(request, slug, year), year)
    if review is None:
        detail = gettext("Cụm chưa gửi hồ sơ khen thưởng năm này.")
        raise ApiProblem(409, detail, code="state_conflict")
    return review


STEP_RESPONSES = {200: ReviewOut}  # the errors: problems (openapi.py)


@router.post(
    "/years/{year}/reviews/{slug}/take",
    response=STEP_RESPONSES,
    summary="Nhận thẩm định hồ sơ khen thưởng của Cụm",
    description=(
        "Người thẩm định nhận hồ sơ vừa gửi (sent → under_review), với `version` đã đọc "
        "(hoặc If-Match): phiên bản cũ hoặc không gửi: 409; hồ sơ không ở trạng thái vừa "
        "gửi: 409; người gửi hồ sơ không tự thẩm định (422)."
    ),
)
def review_take_api(request, response: HttpResponse, year: Year, slug: Slug, payload: VersionIn):
    review = _review_for(request, slug, year)
    return _moved(
        response,
        lambda: services.review_take(
            review=review,
            by=request.user,
            seen_version=seen_version(request, payload.version),
            channel=request.api_token.history_reason,
        ),
    )


@router.post(
    "/years/{year}/reviews/{slug}/return",
    response=STEP_RESPONSES,
    summary="Trả lại hồ sơ khen thưởng cho Cụm kèm lý do",
    description=(
        "Trả hồ sơ đang chờ hoặc đang thẩm định về Cụm (→ returned) với lý do, để Cụm "
        "trưởng bổ sung, sửa rồi gửi lại; phiên bản cũ: 409; trạng thái không cho phép: 409."
    ),
)
def review_return_api(request, response: HttpResponse, year: Year, slug: Slug, payload: ReturnIn):
    review = _review_for(request, slug, year)
    return _moved(
        response,
        lambda: services.review_return(
            review=review,
            by=request.user,
            reason=payload.reason,
            seen_version=seen_version(request, payload.version),
            channel=request.api_token.history_reason,
        ),
    )


@router.post(
    "/years/{year}/reviews/{slug}/accept",
    response=STEP_RESPONSES,
    summary="Chấp thuận hồ sơ khen thưởng đang thẩm định",
    description=(
        "Chấp thuận hồ sơ đang thẩm định (→ accepted) khi mọi đề nghị đạt quy định và hồ sơ "
        "không thiếu gì (chưa đạt: 422 kèm từng điều); phiên bản cũ, trạng thái khác: 409."
    ),
)
def review_accept_api(request, response: HttpResponse, year: Year, slug: Slug, payload: VersionIn):
    review = _review_for(request, slug, year)
    return _moved(
        response,
        lambda: services.review_accept(
            review=review,
            by=request.user,
            seen_version=seen_version(request, payload.version),
            channel=request.api_token.history_reason,
        ),
    )


@router.post(
    "/clusters/{slug}/{year}/dossier/send",
    response=STEP_RESPONSES,
    summary="Cụm trưởng gửi (gửi lại) hồ sơ khen thưởng tới Liên minh HTX Việt Nam",
    description=(
        "Gửi hồ sơ khen thưởng của cụm năm `year`: lần đầu với `version` 0, sau khi bị trả "
        "lại với phiên bản đã đọc và ghi chú đã sửa gì. Chỉ hồ sơ đủ (thiếu: 422 kèm những "
        "gì còn thiếu); hồ sơ đang chờ, đang thẩm định hay đã chấp thuận: 409. Cụm trưởng "
        "của năm và quản trị viên (người khác: 403)."
    ),
)
def dossier_send_api(request, response: HttpResponse, slug: Slug, year: Year, payload: SendIn):
    cluster, _members, term = cluster_year_for(request, slug, year)
    if not access_review.can_send_dossier(request.user, term):
        raise PermissionDenied
    return _moved(
        response,
        lambda: services.dossier_send(
            cluster=cluster,
            year=year,
            by=request.user,
            note=payload.note,
            seen_version=seen_version(request, payload.version),
            channel=request.api_token.history_reason,
        ),
    )
