"""The alliance's decisions (issue 26): national staff record the decision of one award
(number, date, signer, the awardees among the nominations the review accepted) through the
page's service (`emulation.decisions.services.decision_record`: the nominations granted
and entered in the award-history register, the clusters told), and anyone with a token
reads the decided awards of a year as the public page lists them
(`emulation.decisions.selectors.public_awards`: decided awards only, nothing else)."""

import datetime
from itertools import groupby

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from cluster_portal import access_review
from emulation.decisions.models import AwardDecision
from emulation.decisions.selectors import decision_awardees, public_awards
from emulation.decisions.services import DecisionConflictError, DecisionError, decision_record
from emulation.nominations.models import AwardType

from .problems import ApiProblem
from .schemas import Count, Text, Year

router = Router(tags=["Decisions"])


class AwardeeOut(Schema):
    nomination: int = Field(..., description="mã đề nghị khen thưởng")
    nominee: str = Field(..., description="tên đầy đủ, như quyết định in")
    nominee_kind: str = Field(..., description="alliance | cooperative | person | household")
    province: str = Field(..., description="tỉnh của tập thể, cá nhân được khen")
    cluster: str = Field(..., description="mã cụm đề nghị")


class DecisionOut(Schema):
    id: int
    year: int = Field(..., description="năm thành tích")
    award_type: str = Field(..., description="mã hình thức khen thưởng")
    award: str = Field(..., description="tên hình thức khen thưởng")
    number: str
    date: datetime.date
    awardees: list[AwardeeOut]


class DecisionIn(Schema):
    award_type: Text = Field(..., description="mã hình thức khen thưởng, ví dụ emulation-flag")
    number: Text = Field(..., min_length=1, max_length=100, description="ví dụ 125/QĐ-LMHTXVN")
    date: datetime.date = Field(..., description="ngày quyết định")
    signer_name: Text = Field(..., min_length=1, max_length=120, description="họ tên người ký")
    signer_title: Text = Field("Chủ tịch", min_length=1, max_length=120)
    nominations: list[Count] = Field(
        ..., min_length=1, max_length=1000, description="mã các đề nghị được khen"
    )


def _awardee(nomination) -> dict:
    province = nomination.nominee_province
    return {
        "nomination": nomination.pk,
        "nominee": getattr(nomination, "legal_name", "") or nomination.nominee_name,
        "nominee_kind": nomination.nominee_kind,
        "province": province.name if province else "",
        "cluster": nomination.cluster.slug,
    }


def decision_out(decision: AwardDecision, nominations) -> dict:
    return {
        "id": decision.pk,
        "year": decision.year,
        "award_type": decision.award_type.code,
        "award": decision.award_type.name,
        "number": decision.number,
        "date": decision.date,
        "awardees": [_awardee(n) for n in nominations],
    }


@router.get(
    "/years/{year}/decisions",
    response=list[DecisionOut],
    summary="Các quyết định khen thưởng của Liên minh HTX Việt Nam trong năm",
    description=(
        "Các khen thưởng đã có quyết định cho thành tích năm `year`, như trang công khai "
        "(không cần đăng nhập) liệt kê: hình thức, số và ngày quyết định, tập thể, cá nhân "
        "được khen; không có gì khác (đề nghị chưa quyết định không hiện)."
    ),
)
def decisions_list(request, year: Year):
    rows = public_awards(year)
    return [
        decision_out(decision, [row.nomination for row in awardees])
        for decision, awardees in groupby(rows, key=lambda row: row.decision)
    ]


def _rule(name: str, detail: str):
    error = {"location": "body", "field": name, "code": "rule", "detail": detail}
    raise ApiProblem(422, detail, code="rule_violation", errors=[error])


@router.post(
    "/years/{year}/decisions",
    response={201: DecisionOut},
    summary="Ghi quyết định khen thưởng của một hình thức",
    description=(
        "Như trang quyết định: số, ngày, người ký và các tập thể, cá nhân được khen (chỉ "
        "các đề nghị đã được thẩm định, chấp thuận và chưa có quyết định, nếu không: 422); "
        "các đề nghị được khen vào sổ khen thưởng, các Cụm được báo. Số và ngày đã ghi: "
        "409. Cán bộ Liên minh HTX Việt Nam và quản trị viên (người khác: 403)."
    ),
)
def decision_record_api(request, year: Year, payload: DecisionIn):
    if not access_review.can_record_decisions(request.user):
        raise PermissionDenied
    award_type = AwardType.objects.filter(code=payload.award_type).first()
    if award_type is None:
        detail = gettext("Không có hình thức khen thưởng “%(code)s”.") % {
            "code": payload.award_type
        }
        _rule("award_type", detail)
    try:
        decision = decision_record(
            award_type=award_type,
            year=year,
            number=payload.number,
            date=payload.date,
            signer_name=payload.signer_name,
            signer_title=payload.signer_title,
            nomination_ids=payload.nominations,
            by=request.user,
            channel=request.api_token.history_reason,
        )
    except DecisionConflictError as exc:
        raise ApiProblem(409, str(exc), code="already_exists") from None
    except DecisionError as exc:
        raise ApiProblem(422, str(exc), code="rule_violation") from None
    return Status(201, decision_out(decision, decision_awardees(decision)))
