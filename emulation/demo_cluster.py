"""Demo: a second emulation cluster, so that the national views (the board, the review of
dossiers) show more than one cluster. EVERYTHING HERE IS INVENTED: the provinces are real,
their grouping into this cluster, its terms, figures, loans, scores and nominations are
illustrations, and the cluster's name says so ("dữ liệu minh hoạ"). Idempotent.

Thanh Hóa, Nghệ An and Hà Tĩnh, three provinces the 2025 merger left unchanged (so their
units need no history) and outside the reference data of the northern clusters, for 2023
and 2024: terms for both years, every member's figures approved for both years, a few
loans a year, the 2024 scoring agreement scored and its meeting recorded, and one
endorsed nomination with its achievement report submitted."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from emulation.dossiers.demo import demo_report_fields
from emulation.dossiers.services import achievement_report_save, achievement_report_submit
from emulation.nominations.models import (
    AwardQuota,
    AwardType,
    Nomination,
    NominationStatus,
    VotingMethod,
)
from emulation.scoring.demo import _build, _targets
from emulation.scoring.meeting import scoring_meeting_record, shown_sheet_versions
from emulation.scoring.models import ScoringAgreement
from emulation.scoring.selectors import scoring_year
from emulation.scoring.services import agreement_sign
from emulation.scoring.sheets import sheet_self_save, sheet_submit
from provinces.demo import _demo_values
from provinces.disbursements.models import Disbursement, Fund
from provinces.disbursements.services import borrower_find_or_create
from provinces.figures.models import YearlyFigures
from provinces.figures.rules import figures_warnings
from provinces.figures.selectors import previous_values
from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province
from provinces.organisation.selectors import cluster_members, province_for_code

SLUG = "vi-du-bac-trung-bo"
NAME = "Cụm thi đua Liên minh HTX các tỉnh vùng Bắc Trung Bộ (dữ liệu minh hoạ)"  # after Tây Bắc
YEARS = (2023, 2024)
PROVINCES = {"38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh"}  # unchanged in 2025
TERMS = {2023: ("40", "38"), 2024: ("38", "42")}  # (head, vice)
COOPERATIVES = ("HTX Nông sản sạch Minh Hoạ", "HTX Dịch vụ tổng hợp Minh Hoạ")
# 2024 scoring: judged, bonus and penalty self-scores by criterion line (scoring/demo.py's
# criteria), and the "suy tôn" by secret ballot: 3 present, Thanh Hóa 2, Nghệ An 1.
SCORES_2024 = {
    "38": {9: 15, 10: 10, 11: 5, 13: 2, 14: 2, 16: 0},
    "40": {9: 14, 10: 9, 11: 5, 13: 1, 14: 0, 16: 0},
    "42": {9: 13, 10: 8, 11: 4, 13: 0, 14: 0, 16: 1},
}
VOTES_2024 = {"38": 2, "40": 1}
BALLOTS = {
    "voting_method": "secret",
    "ballots_issued": 3,
    "ballots_returned": 3,
    "ballots_valid": 3,
}
NOMINEE = "38"


def demo_cluster_organisation_seed() -> Cluster:
    """The provinces, the cluster, its members and terms (before the demo users, who are
    made per member)."""
    cluster, _ = Cluster.objects.get_or_create(
        slug=SLUG, defaults={"name": NAME, "from_year": YEARS[0], "to_year": YEARS[-1]}
    )
    for code, name in PROVINCES.items():
        province, _ = Province.objects.get_or_create(
            code=code, valid_from=None, defaults={"name": name, "note": "dữ liệu minh hoạ"}
        )
        ClusterMembership.objects.get_or_create(
            cluster=cluster,
            province=province,
            from_year=YEARS[0],
            defaults={"to_year": YEARS[-1]},
        )
    for year, (head, vice) in TERMS.items():
        ClusterTerm.objects.get_or_create(
            cluster=cluster,
            year=year,
            defaults={"head": province_for_code(head, year), "vice": province_for_code(vice, year)},
        )
    return cluster


def demo_cluster_seed() -> bool:
    """Figures, loans, scores and a nomination of the cluster; does nothing when its 2023
    figures exist already. Returns whether it wrote them."""
    cluster = Cluster.objects.filter(slug=SLUG).first()
    if cluster is None:
        return False
    members = cluster_members(cluster, YEARS[0])
    if YearlyFigures.objects.filter(province__in=members, year=YEARS[0]).exists():
        return False
    User = get_user_model()
    staff = {p.pk: User.objects.filter(staff_profile__province=p).first() for p in members}
    for year in YEARS:
        head, vice = TERMS[year]
        for index, province in enumerate(cluster_members(cluster, year)):
            judge = vice if province.code == head else head
            _approved_figures(
                province, year, staff[province.pk], _staff_for(staff, judge, year), index
            )
        _loans(cluster_members(cluster, year), year)
    admin = User.objects.filter(is_superuser=True).first()
    _scores_2024(cluster, admin)
    _nomination_2024(cluster, admin)
    return True


def _staff_for(staff: dict, code: str, year: int):
    return staff.get(province_for_code(code, year).pk)


def _approved_figures(province, year: int, staff, judge, index: int) -> None:
    values = _demo_values(province, year)
    figures = YearlyFigures(province=province, year=year, status="submitted", **values)
    figures.full_clean()
    if figures_warnings(values, previous_values(figures)):
        figures.warnings_explanation = "Đã rà soát: số liệu minh hoạ, không phải số liệu thật."
    when = timezone.make_aware(datetime.datetime(year, 11, 3 + index, 9, 30))
    figures.submitted_by, figures.submitted_at = staff, when
    figures._history_user, figures._history_date = staff, when
    figures.save()
    figures.status, figures.approved_by = "approved", judge
    figures.approved_at = when + datetime.timedelta(days=3)
    figures._history_user, figures._history_date = judge, figures.approved_at
    figures.save()


def _loans(members, year: int) -> None:
    loans = []
    for index, province in enumerate(members):
        for number, name in enumerate(COOPERATIVES):
            borrower, _ = borrower_find_or_create(province=province, name=name, kind="HTX")
            loan = Disbursement(
                province=province,
                fund=Fund.HTX_DEV,
                date=datetime.date(year, 3 + 4 * number, 10 + index),
                borrower=borrower,
                amount=Decimal(300 + 120 * index + 80 * number + 40 * (year - 2023)),
                purpose="Đầu tư máy chế biến (dữ liệu minh hoạ)",
                term_months=24,
            )
            loan.full_clean()
            loans.append(loan)
    bulk_create_with_history(loans, Disbursement)


def _scores_2024(cluster: Cluster, by) -> None:
    if ScoringAgreement.objects.filter(cluster=cluster, year=2024).exists():
        return
    agreement = _build(cluster, 2024, by)
    defaults = {"htx_new": 45, "tht_new": 90, "loans_amount": 700, "training_courses": 7}
    _targets(agreement, scoring_year(cluster, 2024), {}, defaults)
    data = scoring_year(cluster, 2024)
    signed_on = datetime.date(2023, 12, 14)
    agreement_sign(
        agreement=agreement, data=data, signed_on=signed_on, by=by, seen_version=agreement.version
    )
    lines = [line.criterion for line in data.lines]
    by_code = {m.code: m for m in data.members}
    for code, given in SCORES_2024.items():
        entries = {
            lines[i].pk: (Decimal(points), "Minh hoạ: theo báo cáo tổng kết năm." if points else "")
            for i, points in given.items()
        }
        data = scoring_year(cluster, 2024)
        province = by_code[code]
        sheet_self_save(data=data, province=province, entries=entries, seen_version=0, by=by)
        data = scoring_year(cluster, 2024)
        version = data.column(province.pk).sheet.version
        sheet_submit(data=data, province=province, seen_version=version, by=by)
    data = scoring_year(cluster, 2024)
    scoring_meeting_record(
        data=data,
        meeting_date=datetime.date(2024, 11, 26),
        present=len(by_code),
        votes={by_code[code].pk: votes for code, votes in VOTES_2024.items()},
        **BALLOTS,
        notes="Dữ liệu minh hoạ: hội nghị suy tôn Liên minh HTX tỉnh Lạng Sơn.",
        by=by,
        seen_version=data.agreement.version,
        sheet_versions=shown_sheet_versions(data),
    )


def _nomination_2024(cluster: Cluster, by) -> None:
    award = AwardType.objects.get(code="certificate-of-merit")
    AwardQuota.objects.get_or_create(
        cluster=cluster, year=2024, award_type=award, defaults={"quota": 1}
    )
    nomination = Nomination(
        cluster=cluster,
        year=2024,
        award_type=award,
        nominee_alliance=province_for_code(NOMINEE, 2024),
        achievements="Dữ liệu minh hoạ: xếp thứ nhất bảng chấm điểm thi đua năm 2024 của Cụm.",
        votes_for=4,
        votes_present=4,
        voting_method=VotingMethod.SECRET,
        ballots_issued=4,
        ballots_returned=4,
        ballots_valid=4,
        status=NominationStatus.ENDORSED,
    )
    nomination.full_clean()
    nomination.save()
    # Every field of the official form, as the Tây Bắc demo fills it; the texts and both
    # signers (invented names) say they are illustrations.
    fields = {
        **demo_report_fields(nomination),
        "summary": "Dữ liệu minh hoạ: Liên minh HTX tỉnh đại diện và hỗ trợ các HTX, THT của tỉnh.",
        "achievements": "Dữ liệu minh hoạ: vượt các chỉ tiêu giao ước thi đua năm 2024 của Cụm.",
        "measures": "Dữ liệu minh hoạ: giao chỉ tiêu cho từng phòng, ban; theo dõi hằng tháng.",
        "signer_title": "Chủ tịch",
        "signer_name": "Lê Văn Minh",
        "superior_body": "Ủy ban nhân dân tỉnh Thanh Hóa",
        "superior_name": "Trần Thị Hoa",
    }
    report = achievement_report_save(nomination=nomination, by=by, seen_version=0, **fields)
    achievement_report_submit(report=report, by=by, seen_version=report.version)
