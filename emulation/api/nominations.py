"""Award nominations: a cluster-year's list with its rules, a proposal, the vote and the
endorsement. The same services as the pages (emulation.nominations.services), so the same
rules (emulation.nominations.rules) refuse the same things with the same message: 422 with
`detail`; a stale version is 409; access as on the pages (404 / 403)."""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from cluster_portal import access
from cluster_portal.locking import StaleRecordError
from emulation.nominations.lookups import get_nomination_for_user
from emulation.nominations.models import (
    AwardType,
    Comparison,
    Nomination,
    NominationStatus,
    ThresholdBase,
    VoteRule,
    VotingMethod,
)
from emulation.nominations.selectors import nominations_changed_since, nominations_for
from emulation.nominations.services import (
    NominationConflictError,
    NominationError,
    nomination_endorse,
    nomination_propose,
    nomination_vote_record,
)
from emulation.nominees.models import OtherUnitType, Sex
from provinces.organisation.lookups import cluster_year_for

from .lookups import ref
from .paging import Limit, Offset, Page, Since, gone, paginate
from .problems import ApiProblem
from .schemas import Count, Slug, Text, Year

router = Router(tags=["Nominations"])

# The nominee's kinds (emulation.nominations.models.NOMINEE_KINDS).
NomineeKind = Literal["alliance", "cooperative", "other_unit", "person", "household"]


class NominationOut(Schema):
    id: int
    year: int
    award_type: str
    nominee_kind: NomineeKind = Field(
        ..., description="alliance | cooperative | other_unit (đơn vị khác) | person | household"
    )
    nominee: str
    province: dict
    status: NominationStatus
    votes_for: int | None
    votes_present: int | None
    voting_method: VotingMethod | None = Field(..., description="null: chưa ghi")
    ballots_issued: int | None
    ballots_returned: int | None
    ballots_valid: int | None
    rank_reason: str
    version: int
    updated_at: datetime.datetime = Field(..., description="lần ghi cuối")


class RulesOut(Schema):
    quorum_percent: int
    threshold_base: ThresholdBase
    threshold_comparison: Comparison
    threshold_percent: int
    voting_method: VotingMethod
    one_vote_per_member: bool
    members: int
    threshold: str = Field(..., description="the rule in words")


class NominationsOut(Page):
    rules: RulesOut
    nominations: list[NominationOut] = Field(..., description="các đề nghị của trang")


class PersonIn(Schema):
    """An individual, with the particulars of the individual achievement-report form."""

    full_name: Text = Field(..., max_length=120, description="họ và tên đầy đủ, không viết tắt")
    sex: Sex
    date_of_birth: datetime.date
    hometown: Text = Field("", max_length=255)
    home_address: Text = Field(..., max_length=255)
    workplace: Text = Field(..., max_length=255, description="đơn vị công tác (tên đầy đủ)")
    position: Text = Field(..., max_length=255, description="chức vụ")
    qualification: Text = Field("", max_length=255)
    political_theory: Text = Field("", max_length=100)
    working_since: Count | None = Field(None, ge=1945, le=2100)


class HouseholdIn(Schema):
    head_name: Text = Field(..., max_length=120, description="họ và tên chủ hộ, đầy đủ")
    head_sex: Sex
    address: Text = Field(..., max_length=255)
    members: Count = Field(..., ge=1, le=99, description="số nhân khẩu")
    main_activity: Text = Field(..., max_length=255, description="ngành nghề chính")


class OtherUnitIn(Schema):
    """A collective that is not an alliance or a cooperative (a cooperative union, an
    enterprise, an association, a department), with section I of the collective form."""

    legal_name: Text = Field(..., max_length=255, description="tên đầy đủ, không viết tắt")
    unit_type: OtherUnitType
    head_office: Text = Field(..., max_length=255, description="địa chỉ trụ sở chính")
    phone: Text = Field(..., max_length=50)
    website: Text = Field("", max_length=255)
    founded_year: Count = Field(..., ge=1900, le=2100, description="năm thành lập")
    founding: Text = Field(..., max_length=5000, description="quá trình thành lập và phát triển")
    structure: Text = Field(..., max_length=5000, description="tổ chức bộ máy")
    staff_count: Count = Field(..., ge=0, le=1_000_000, description="tổng số cán bộ, nhân viên")


class ProposeIn(Schema):
    award_type: Text = Field(..., description="mã hình thức khen thưởng, ví dụ emulation-flag")
    alliance: Text = Field("", description="mã tỉnh của liên minh thành viên được đề nghị")
    cooperative: Text = Field("", max_length=255, description="hoặc tên hợp tác xã được đề nghị")
    cooperative_province: Text = Field(
        "",
        description=(
            "mã tỉnh của hợp tác xã, đơn vị khác, cá nhân hoặc hộ gia đình (mặc định: tỉnh của bạn)"
        ),
    )
    person: PersonIn | None = Field(None, description="hoặc một cá nhân")
    household: HouseholdIn | None = Field(None, description="hoặc một hộ gia đình")
    other_unit: OtherUnitIn | None = Field(
        None, description="hoặc một đơn vị khác (liên hiệp HTX, doanh nghiệp, hiệp hội…)"
    )
    achievements: Text = Field("", max_length=5000, description="thành tích")
    rank_reason: Text = Field(
        "",
        max_length=2000,
        description="lý do đề nghị khi xếp hạng sau thành viên không được đề nghị",
    )


class VoteIn(Schema):
    version: Count = Field(..., description="bắt buộc: phiên bản bạn đã đọc")
    votes_for: Count
    votes_present: Count
    voting_method: VotingMethod | None = Field(
        None, description="mặc định: hình thức trong quy định của Cụm"
    )
    ballots_issued: Count | None = None
    ballots_returned: Count | None = None
    ballots_valid: Count | None = None
    rank_reason: Text | None = Field(None, max_length=2000, description="null: giữ như cũ")


class StepIn(Schema):
    version: Count = Field(..., description="bắt buộc: phiên bản bạn đã đọc")


def nomination_out(n: Nomination) -> dict:
    return {
        "id": n.pk,
        "year": n.year,
        "award_type": n.award_type.code,
        "nominee_kind": n.nominee_kind,
        "nominee": n.nominee_name,
        "province": ref(n.nominee_province),
        "status": n.status,
        "votes_for": n.votes_for,
        "votes_present": n.votes_present,
        "voting_method": n.voting_method or None,
        "ballots_issued": n.ballots_issued,
        "ballots_returned": n.ballots_returned,
        "ballots_valid": n.ballots_valid,
        "rank_reason": n.rank_reason,
        "version": n.version,
        "updated_at": n.updated_at,
    }


@router.get(
    "/clusters/{slug}/{year}/nominations",
    response=NominationsOut,
    summary="Đề nghị khen thưởng của cụm trong năm",
    description=(
        "Quy định bình xét, biểu quyết của cụm trong năm và các đề nghị khen thưởng với "
        "kết quả biểu quyết, theo cùng quy tắc đọc như trang đề nghị; lọc theo trạng thái "
        "(`status`), từng trang (`limit`, `offset`); `updated_since`: chỉ các đề nghị ghi "
        "từ thời điểm đó, kèm `deleted`: mã (`id`) các đề nghị đã xóa hoặc không còn khớp "
        "bộ lọc."
    ),
)
def nominations_list(
    request,
    slug: Slug,
    year: Year,
    status: Annotated[
        NominationStatus | None, Query(None, description="chỉ các đề nghị ở trạng thái này")
    ] = None,
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    cluster, _, _ = cluster_year_for(request, slug, year)
    data = nominations_for(cluster, year)
    rule = data.rules.rule
    rules = {name: getattr(rule, name) for name in VoteRule.SETTINGS}
    rows = [n for g in data.groups for n in g.nominations if status in (None, n.status)]
    deleted = ()
    if updated_since is not None:
        changed = nominations_changed_since(cluster, year, updated_since)
        deleted = gone(changed, (n.pk for n in rows))
        rows = [n for n in rows if n.updated_at >= updated_since]
    page = paginate(
        rows, limit=limit, offset=offset, out=nomination_out, deleted=deleted, key="nominations"
    )
    return {
        "rules": {**rules, "members": data.rules.members, "threshold": data.rules.threshold_text},
        **page,
    }


def _member(members, code: str):
    return next((m for m in members if m.code == code), None)


@router.post(
    "/clusters/{slug}/{year}/nominations",
    response={201: NominationOut, 200: NominationOut},
    summary=(
        "Đề nghị khen thưởng một thành viên, hợp tác xã, đơn vị khác, cá nhân hoặc hộ gia đình"
    ),
    description=(
        "Như biểu mẫu của trang đề nghị: cán bộ tỉnh cho tỉnh mình, cụm trưởng và quản "
        "trị viên cho mọi thành viên; trái quy định: 422 kèm lý do."
    ),
)
def nomination_propose_api(request, slug: Slug, year: Year, payload: ProposeIn):
    """Propose a member alliance (`alliance`), a cooperative (`cooperative`), another unit
    (`other_unit`), an individual (`person`) or a household (`household`), as the page's
    form does: staff
    for their own province, the chair and admins for any member."""
    cluster, members, term = cluster_year_for(request, slug, year)
    award = AwardType.objects.filter(code=payload.award_type).first()
    if award is None:
        detail = gettext("Không có hình thức khen thưởng “%(code)s”.") % {
            "code": payload.award_type
        }
        raise ApiProblem(422, detail, code="rule_violation", errors=[_field("award_type", detail)])
    alliance = _member(members, payload.alliance) if payload.alliance else None
    if payload.alliance and alliance is None:
        detail = gettext("Mã %(code)s không phải thành viên năm %(year)s.") % {
            "code": payload.alliance,
            "year": year,
        }
        raise ApiProblem(422, detail, code="rule_violation", errors=[_field("alliance", detail)])
    province = alliance
    if alliance is None:
        code = payload.cooperative_province
        province = _member(members, code) if code else access.unit_of(request.user, year)
        if province is None:
            detail = gettext(
                "Chọn tỉnh của HTX/THT, đơn vị khác, cá nhân hoặc hộ gia đình được đề nghị."
            )
            raise ApiProblem(
                422, detail, code="rule_violation", errors=[_field("cooperative_province", detail)]
            )
    if not access.can_propose_nomination(request.user, province, year, term):
        raise PermissionDenied
    try:
        nomination = nomination_propose(
            cluster=cluster,
            year=year,
            award_type=award,
            by=request.user,
            alliance=alliance,
            cooperative_name=payload.cooperative,
            cooperative_province=None if alliance else province,
            person=payload.person.dict() if payload.person else None,
            household=payload.household.dict() if payload.household else None,
            other_unit=payload.other_unit.dict() if payload.other_unit else None,
            achievements=payload.achievements,
            rank_reason=payload.rank_reason,
        )
    except NominationConflictError as exc:
        raise ApiProblem(409, str(exc), code="already_exists") from None
    except NominationError as exc:
        raise ApiProblem(422, str(exc), code="rule_violation") from None
    return Status(201, nomination_out(nomination))


def _manages(user, nomination, term) -> bool:
    return access.can_manage_nominations(user, term)


def _field(name: str, detail: str) -> dict:
    return {"location": "body", "field": name, "code": "rule", "detail": detail}


def _step(run):
    try:
        return Status(200, nomination_out(run()))
    except StaleRecordError as exc:
        raise ApiProblem(409, str(exc), code="stale_version") from None
    except NominationError as exc:
        raise ApiProblem(422, str(exc), code="rule_violation") from None


@router.post(
    "/nominations/{pk}/vote",
    response={200: NominationOut},
    summary="Ghi kết quả biểu quyết một đề nghị",
    description=(
        "Số có mặt, số phiếu phát ra, thu về, hợp lệ và tán thành, kiểm theo quy định "
        "của cụm (túc số, ngưỡng, hình thức); phiên bản cũ: 409."
    ),
)
def nomination_vote_api(request, pk: int, payload: VoteIn):
    """Record the conference's vote, at the version read: refused (422, with the reason)
    when it breaks the cluster-year's rules (quorum, one vote per member, method and
    ballots)."""
    nomination = get_nomination_for_user(request, pk, allowed=_manages)
    return _step(
        lambda: nomination_vote_record(
            nomination=nomination,
            votes_for=payload.votes_for,
            votes_present=payload.votes_present,
            voting_method=payload.voting_method,
            ballots_issued=payload.ballots_issued,
            ballots_returned=payload.ballots_returned,
            ballots_valid=payload.ballots_valid,
            rank_reason=payload.rank_reason,
            by=request.user,
            seen_version=payload.version,
        )
    )


@router.post(
    "/nominations/{pk}/endorse",
    response={200: NominationOut},
    summary="Thông qua một đề nghị khen thưởng",
    description=(
        "Hội nghị thông qua đề nghị khi kết quả biểu quyết đạt ngưỡng và không trái quy "
        "định (mỗi thành tích một hình thức khen thưởng); phiên bản cũ: 409."
    ),
)
def nomination_endorse_api(request, pk: int, payload: StepIn):
    """The conference endorses the nominee: refused (422) when the vote does not pass the
    rules, the nominee has another award for the year, a written rank reason is missing,
    or the quota is full."""
    nomination = get_nomination_for_user(request, pk, allowed=_manages)
    return _step(
        lambda: nomination_endorse(
            nomination=nomination, by=request.user, seen_version=payload.version
        )
    )
