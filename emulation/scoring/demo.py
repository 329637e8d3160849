"""Demo scoring: the Tây Bắc 2023 agreement scored, cross-checked and ranked (Phú Thọ
first, as the seed article's flag says), and the northern cluster's 2025 agreement
signed with some sheets submitted and none cross-checked."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from emulation.nominations.models import Nomination
from provinces.organisation.models import Cluster
from provinces.organisation.selectors import cluster_members

from .criteria_io import parse_criteria_rows
from .meeting import scoring_meeting_record, shown_sheet_versions
from .models import ScoringAgreement
from .rules import LATE_REPORTS, score_out_of
from .selectors import approved_values, scoring_year
from .services import (
    agreement_create,
    agreement_sign,
    criteria_replace,
    targets_set,
)
from .sheets import sheet_answer, sheet_cross_check, sheet_self_save, sheet_settle, sheet_submit

HEADER = ("number", "title", "kind", "max_points", "indicator", "denominator", "bands")
# The portal's own indicators in the style of scoring.md: 100 points plus bonus.
CRITERIA = [
    ("I", "Phát triển kinh tế tập thể", "group", "50", "", "", ""),
    ("1", "Thành lập mới HTX so với chỉ tiêu giao", "target", "20", "htx_new", "", "≥100: 20; ≥80: 14; còn lại: 7"),  # noqa: E501
    ("2", "Thành lập mới THT so với chỉ tiêu giao", "target", "10", "tht_new", "", "≥100: 10; ≥80: 7; còn lại: 3"),  # noqa: E501
    ("3", "Tỷ lệ THT hoạt động trong lĩnh vực nông nghiệp", "band", "5", "tht_agri", "tht_total", "≥70: 5; ≥60: 4; còn lại: 2"),  # noqa: E501
    ("4", "Giải ngân vốn các quỹ hỗ trợ so với chỉ tiêu", "target", "15", "loans_amount", "", "≥100: 15; ≥80: 10; còn lại: 5"),  # noqa: E501
    ("II", "Đào tạo, tuyên truyền", "group", "20", "", "", ""),
    ("1", "Số khóa đào tạo, tập huấn so với chỉ tiêu", "target", "10", "training_courses", "", "≥100: 10; ≥80: 7; còn lại: 3"),  # noqa: E501
    ("2", "Tin, bài trên trang thông tin điện tử, mạng xã hội", "band", "10", "online_posts", "", "≥200: 10; ≥150: 7; còn lại: 4"),  # noqa: E501
    ("III", "Công tác phối hợp của Cụm", "group", "30", "", "", ""),
    ("1", "Tham gia các hoạt động phối hợp của Cụm", "judged", "15", "", "", ""),
    ("2", "Gửi báo cáo đúng hạn, đủ nội dung", "judged", "10", "", "", ""),
    ("3", "Tham dự hội nghị, giao ban của Cụm", "judged", "5", "", "", ""),
    ("IV", "Điểm thưởng", "group", "5", "", "", ""),
    ("1", "Sáng kiến, mô hình mới được nhân rộng", "bonus", "3", "", "", ""),
    ("2", "Đăng cai hội nghị của Cụm", "bonus", "2", "", "", ""),
    ("V", "Điểm trừ", "group", "0", "", "", ""),
    ("1", "Gửi báo cáo chậm (mỗi báo cáo trừ 1 điểm)", "penalty", "3", "", "", ""),
]  # fmt: skip
TARGETED = {"htx_new": 1, "tht_new": 2, "loans_amount": 4, "training_courses": 6}

# 2023: the factor applied to a member's approved value to get its target (below 1: the
# target was exceeded), and its judged, bonus and penalty self-scores by criterion line.
TAY_BAC_2023 = {
    "25": (Decimal("0.9"), {9: 15, 10: 10, 11: 5, 13: 3, 14: 2, 16: 0}),  # Phú Thọ
    "10": (Decimal("0.95"), {9: 14, 10: 9, 11: 5, 13: 2, 14: 0, 16: 0}),  # Lào Cai
    "15": (Decimal("1.0"), {9: 14, 10: 9, 11: 5, 13: 3, 14: 0, 16: 0}),  # Yên Bái
    "14": (Decimal("1.1"), {9: 15, 10: 8, 11: 5, 13: 1, 14: 0, 16: 0}),  # Sơn La
    "17": (Decimal("1.15"), {9: 13, 10: 9, 11: 5, 13: 1, 14: 0, 16: 0}),  # Hòa Bình
    "12": (Decimal("1.2"), {9: 13, 10: 8, 11: 4.5, 13: 0, 14: 0, 16: 0}),  # Lai Châu
    "11": (Decimal("1.3"), {9: 12, 10: 8, 11: 4, 13: 0, 14: 0, 16: 0}),  # Điện Biên
}
# (province, line, cluster points, reason)
CROSS_CHECKS = [
    ("14", 9, 13, "Chưa tham gia Hội chợ xúc tiến thương mại của Cụm tháng 8/2023."),
    ("15", 13, 2, "Mô hình mới chưa có văn bản công nhận của UBND tỉnh, chỉ tính 2 điểm."),
    ("11", 16, 1, "Báo cáo 6 tháng gửi chậm 12 ngày so với quy định của Cụm."),
]
# The "suy tôn" by secret ballot (the practice, scoring.md): 7 members present, 7 ballots
# issued and returned, all valid, each naming one member: Phú Thọ 6, Lào Cai 1. (The demo
# once recorded 8 from 7 present; the rules now refuse it.)
VOTES = {"25": 6, "10": 1}
BALLOTS = {
    "voting_method": "secret",
    "ballots_issued": 7,
    "ballots_returned": 7,
    "ballots_valid": 7,
}


def _rows(*, late_reports: bool):
    """The criteria; with `late_reports` the penalty is computed from the cluster's
    calendar (one point per report sent after its deadline) instead of typed."""
    rows = [HEADER, *CRITERIA]
    if late_reports:
        number, title, kind, points, *_ = rows[-1]
        rows[-1] = (number, title, kind, points, LATE_REPORTS, "", "")
    return rows


def _user():
    return get_user_model().objects.filter(is_superuser=True).first()


def _build(cluster: Cluster, year: int, by, *, late_reports: bool = False) -> ScoringAgreement:
    agreement = agreement_create(cluster=cluster, year=year, by=by)
    members = cluster_members(cluster, year)
    parsed = parse_criteria_rows(_rows(late_reports=late_reports))
    criteria_replace(
        agreement=agreement, parsed=parsed, members=members, by=by, seen_version=agreement.version
    )
    return agreement


def _targets(agreement, data, factors: dict[str, Decimal], default: dict[str, int]):

    values = approved_values(data.members, data.year, disbursements=True)
    lines = [line.criterion for line in data.lines]
    wanted = {}
    for member in data.members:
        for code, line in TARGETED.items():
            actual = values.get(member.pk, {}).get(code)
            factor = factors.get(member.code)
            if actual is not None and factor is not None:
                target = (Decimal(actual) * factor).quantize(Decimal(1), ROUND_HALF_UP)
            else:
                target = Decimal(default[code])
            wanted[(lines[line].pk, member.pk)] = target
    targets_set(agreement=agreement, values=wanted, by=_user(), seen_version=agreement.version)


def scoring_demo_seed() -> bool:
    """Does nothing when Tây Bắc 2023 already has an agreement."""
    tay_bac = Cluster.objects.get(slug="tay-bac")
    if ScoringAgreement.objects.filter(cluster=tay_bac, year=2023).exists():
        return False
    by = _user()
    agreement = _build(tay_bac, 2023, by)
    data = scoring_year(tay_bac, 2023)
    _targets(agreement, data, {code: f for code, (f, _) in TAY_BAC_2023.items()}, {})
    data = scoring_year(tay_bac, 2023)
    agreement_sign(
        agreement=agreement,
        data=data,
        signed_on=datetime.date(2022, 12, 8),
        by=by,
        seen_version=agreement.version,
    )
    lines = [line.criterion for line in data.lines]
    by_code = {m.code: m for m in data.members}
    for code, (_, given) in TAY_BAC_2023.items():
        entries = {
            lines[i].pk: (
                Decimal(str(points)),
                "Theo báo cáo tổng kết năm và biên bản kiểm tra." if points else "",
            )
            for i, points in given.items()
        }
        province = by_code[code]
        data = scoring_year(tay_bac, 2023)
        sheet_self_save(data=data, province=province, entries=entries, seen_version=0, by=by)
        data = scoring_year(tay_bac, 2023)
        version = data.column(province.pk).sheet.version
        sheet_submit(data=data, province=province, seen_version=version, by=by)
    for code, line, points, reason in CROSS_CHECKS:
        province = by_code[code]
        data = scoring_year(tay_bac, 2023)
        version = data.column(province.pk).sheet.version
        sheet_cross_check(
            data=data,
            province=province,
            entries={lines[line].pk: (Decimal(points), reason)},
            seen_version=version,
            by=by,
        )
    # Điện Biên contests its penalty; the chair keeps it.
    province = by_code["11"]
    data = scoring_year(tay_bac, 2023)
    sheet_answer(
        data=data,
        province=province,
        answers={lines[16].pk: ("contest", "Báo cáo chậm do sáp nhập phòng chuyên môn.")},
        seen_version=data.column(province.pk).sheet.version,
        by=by,
    )
    data = scoring_year(tay_bac, 2023)
    sheet_settle(
        data=data,
        province=province,
        entries={lines[16].pk: (Decimal(1), "Giữ điểm trừ: báo cáo chậm quá 10 ngày.")},
        seen_version=data.column(province.pk).sheet.version,
        by=by,
    )
    data = scoring_year(tay_bac, 2023)
    scoring_meeting_record(
        data=data,
        meeting_date=datetime.date(2023, 11, 30),
        present=7,
        votes={by_code[c].pk: v for c, v in VOTES.items()},
        **BALLOTS,
        notes="Hội nghị thống nhất kết quả chấm điểm; suy tôn Liên minh HTX tỉnh Phú Thọ.",
        by=by,
        seen_version=data.agreement.version,
        sheet_versions=shown_sheet_versions(data),
    )
    _carry_ranking_into_nominations(scoring_year(tay_bac, 2023))
    _northern_2025(by)
    return True


def _carry_ranking_into_nominations(data) -> None:
    """The article's alliance nominations (seeded with the conference) carry the score
    and rank the meeting recorded, as proposals made from the ranking do."""
    standings = {s.key.province.pk: s for s in data.ranking}
    for nomination in Nomination.objects.filter(
        cluster=data.cluster, year=data.year, nominee_alliance__isnull=False, achievements=""
    ):
        standing = standings.get(nomination.nominee_alliance_id)
        if standing is not None:
            nomination.achievements = (
                f"Xếp thứ {standing.rank}/{len(standings)} trong bảng chấm điểm thi đua năm "
                f"{data.year} của Cụm, đạt "
                f"{score_out_of(standing.total, data.agreement.total_points)}."
            )
            nomination.save(update_fields=["achievements"])


def _northern_2025(by) -> None:
    cluster = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    if ScoringAgreement.objects.filter(cluster=cluster, year=2025).exists():
        return
    # 2023's penalty was a 6-month report sent outside the portal; in 2025 the portal
    # knows when each member's figures came in.
    agreement = _build(cluster, 2025, by, late_reports=True)
    data = scoring_year(cluster, 2025)
    defaults = {"htx_new": 45, "tht_new": 90, "loans_amount": 6000, "training_courses": 7}
    _targets(agreement, data, {}, defaults)
    data = scoring_year(cluster, 2025)
    agreement_sign(
        agreement=agreement,
        data=data,
        signed_on=datetime.date(2024, 12, 12),
        by=by,
        seen_version=agreement.version,
    )
    lines = [line.criterion for line in data.lines]
    for index, member in enumerate(data.members[:5]):
        entries = {
            lines[9].pk: (Decimal(14 - index % 3), "Tham gia đầy đủ hoạt động của Cụm."),
            lines[10].pk: (Decimal(9), "Gửi báo cáo 6 tháng đúng hạn."),
            lines[11].pk: (Decimal(5), "Dự đủ các cuộc giao ban."),
        }
        data = scoring_year(cluster, 2025)
        sheet_self_save(data=data, province=member, entries=entries, seen_version=0, by=by)
        if index < 3:
            data = scoring_year(cluster, 2025)
            version = data.column(member.pk).sheet.version
            sheet_submit(data=data, province=member, seen_version=version, by=by)
