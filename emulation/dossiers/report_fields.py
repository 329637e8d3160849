"""Which fields each kind of nominee's achievement report asks for and which it needs
before it can be submitted, after the official forms (NĐ 152/2025/NĐ-CP, 98/2023 before):
the collective's form (an alliance, a cooperative, another unit), the individual's and the
household's.
The report form shows `fields_for(kind)`; submission, the dossier's completeness and the
to-dos read `report_gaps`. Missing data is asked for here, never explained in a document."""

from django.utils.translation import gettext

from emulation.dossiers.models import AchievementReport

PARTICULARS = ("head_office", "phone", "website", "founding", "structure", "staff_count")
BUSINESS = (
    "revenue",
    "revenue_before",
    "profit",
    "profit_before",
    "taxes",
    "taxes_before",
    "members",
    "members_before",
    "workers",
    "workers_before",
    "avg_income",
    "avg_income_before",
)
HEAD_SIGNER = ("signer_name", "signer_title")
SUPERIOR = ("superior_body", "superior_title", "superior_name")
TEXTS = ("summary", "achievements", "measures")

FIELDS = {
    "alliance": (*PARTICULARS, *TEXTS, "compliance", *HEAD_SIGNER, *SUPERIOR),
    "cooperative": (*PARTICULARS, *TEXTS, *BUSINESS, "compliance", *HEAD_SIGNER, *SUPERIOR),
    # Another unit: the collective form without a cooperative's business figures; its
    # particulars (head office, phone, founding, structure, staff) were recorded with the
    # unit when it was proposed (emulation.nominees.models.OtherUnit).
    "other_unit": (*TEXTS, "compliance", *HEAD_SIGNER, *SUPERIOR),
    # The individual and the head of household sign their own report: their names come
    # from the nominee's particulars.
    "person": (*TEXTS, *SUPERIOR),
    "household": (*TEXTS, "revenue", "revenue_before", "avg_income", "avg_income_before")
    + SUPERIOR,
}
_COLLECTIVE_NEEDS = ("head_office", "phone", "founding", "structure", "staff_count")
REQUIRED = {
    "alliance": (*_COLLECTIVE_NEEDS, "achievements", "measures", "compliance")
    + HEAD_SIGNER
    + SUPERIOR,
    "cooperative": (*_COLLECTIVE_NEEDS, "achievements", "measures", "compliance")
    + ("revenue", "profit", "taxes", "members", "workers", "avg_income")
    + HEAD_SIGNER
    + SUPERIOR,
    "other_unit": ("achievements", "measures", "compliance", *HEAD_SIGNER, *SUPERIOR),
    "person": ("summary", "achievements", "measures", *SUPERIOR),
    "household": ("summary", "achievements", "measures", *SUPERIOR),
}
# What the summary is called on each form.
SUMMARY_LABEL = {
    "alliance": "Chức năng, nhiệm vụ, những đặc điểm chính của đơn vị",
    "cooperative": "Ngành nghề, lĩnh vực sản xuất, kinh doanh, những đặc điểm chính",
    "other_unit": "Chức năng, nhiệm vụ, những đặc điểm chính của đơn vị",
    "person": "Quyền hạn, nhiệm vụ được giao hoặc đảm nhận",
    "household": "Đặc điểm, hoàn cảnh của hộ gia đình",
}


def fields_for(kind: str) -> tuple[str, ...]:
    return FIELDS[kind]


def _label(name: str) -> str:
    return str(AchievementReport._meta.get_field(name).verbose_name)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def report_gaps(report: AchievementReport | None, nominee) -> list[str]:
    """The labels of what the report of `nominee` (a Nomination) still lacks, in the
    form's order; the cooperative's full name first (the name every document prints)."""
    kind = nominee.nominee_kind
    gaps = []
    if kind == "cooperative" and not nominee.nominee_cooperative.full_name:
        gaps.append(gettext("tên đầy đủ của HTX/THT (không viết tắt)"))
    for name in REQUIRED[kind]:
        if report is None or _empty(getattr(report, name)):
            gaps.append(_label(name))
    return gaps
