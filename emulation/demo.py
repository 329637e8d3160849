"""The 2023 Tây Bắc emulation year as the seed article tells it."""

import datetime

from emulation.conference.models import Attendee, Conference, Recommendation
from emulation.nominations.models import (
    AwardQuota,
    AwardType,
    Nomination,
    NominationStatus,
    VotingMethod,
)
from emulation.nominees.services import household_find_or_create, person_find_or_create
from emulation.reports.models import LegalBasis, ReportSettings
from emulation.reports.reference import (
    load_alliance_lines,
    load_cluster_lines,
    load_legal_basis,
)
from provinces.calendar.models import Deadlines
from provinces.disbursements.services import borrower_find_or_create
from provinces.organisation.models import Cluster
from provinces.organisation.selectors import province_for_code

from .nominations.reference import load_award_types

ATTENDEES = [
    ("Đỗ Nhân Đạo", "UV BTV Liên minh HTX Việt Nam, Chủ tịch", "Liên minh HTX tỉnh Yên Bái"),
    ("Nguyễn Quốc Dũng", "UV BCH Liên minh HTX Việt Nam, Chủ tịch", "Liên minh HTX tỉnh Phú Thọ"),
    ("Trương Mạnh Hùng", "UV BCH Liên minh HTX Việt Nam, Chủ tịch", "Liên minh HTX tỉnh Lào Cai"),
    (
        "Các đồng chí Chủ tịch, Phó Chủ tịch",
        "lãnh đạo, cán bộ",
        "Liên minh HTX 07 tỉnh Tây Bắc",
    ),
]
TOPICS = (
    "Tổng kết tình hình kinh tế tập thể, hoạt động của Liên minh HTX tỉnh và công tác thi đua, "
    "khen thưởng năm 2023; phương hướng nhiệm vụ năm 2024; phối hợp hỗ trợ các HTX liên kết "
    "quảng bá, giới thiệu, xúc tiến thương mại, mở rộng thị trường tiêu thụ sản phẩm của Cụm."
)
RECOMMENDATIONS = [
    "Sớm thực hiện ủy thác vốn Quỹ Hỗ trợ phát triển HTX Trung ương cho Quỹ địa phương, để "
    "giải quyết nhanh gọn và hiệu quả hơn cho các HTX, nhất là vốn vay lưu động.",
    "Sớm ban hành các văn bản hướng dẫn quản lý và giải ngân nguồn vốn ủy thác cho các Quỹ "
    "địa phương, nhất là Quy chế cho vay theo Nghị định 45 của Chính phủ.",
    "Hằng năm tổ chức các khóa tập huấn nghiệp vụ cho đội ngũ cán bộ làm công tác thi đua, "
    "khen thưởng thuộc Liên minh HTX cấp tỉnh.",
]
# (award type code, province code in 2023, cooperative name or None for the alliance)
NOMINEES = [
    ("emulation-flag", "25", None),
    ("emulation-flag", "25", "HTX DVNN và điện năng Vĩnh Lại"),
    ("emulation-flag", "15", "HTX dịch vụ tổng hợp Thắng Lợi"),
    ("certificate-of-merit", "12", None),
    ("certificate-of-merit", "14", "HTX dịch vụ nông nghiệp Mường Tấc"),
    ("certificate-of-merit", "10", "HTX NN Hảo Anh"),
    ("certificate-of-merit", "11", "HTX SX VLXD Hà Nam Bình"),
    ("certificate-of-merit", "17", "HTX đa ngành nghề Tâm Cương Tân Minh"),
    ("certificate-of-merit", "12", "person"),
    ("certificate-of-merit", "17", "household"),
]
# An individual and a household, as clusters also propose them (Law 2022). They are
# illustrations, not in the seed article: the names and particulars are invented.
DEMO_PERSON = {
    "full_name": "Vàng Thị Mai",
    "sex": "female",
    "date_of_birth": datetime.date(1978, 4, 12),
    "hometown": "xã Bản Hon, huyện Tam Đường, tỉnh Lai Châu",
    "home_address": "phường Tân Phong, thành phố Lai Châu, tỉnh Lai Châu",
    "workplace": "Liên minh Hợp tác xã tỉnh Lai Châu",
    "position": "Phó Chủ tịch Liên minh Hợp tác xã tỉnh Lai Châu",
    "qualification": "Cử nhân Kinh tế nông nghiệp",
    "political_theory": "Cao cấp",
    "working_since": 2001,
}
DEMO_HOUSEHOLD = {
    "head_name": "Bùi Văn Tâm",
    "head_sex": "male",
    "address": "xóm Tâm Cương, xã Tân Minh, huyện Đà Bắc, tỉnh Hòa Bình",
    "members": 5,
    "main_activity": "Trồng và chế biến chè; thành viên Hợp tác xã Đa ngành nghề Tâm Cương "
    "Tân Minh",
}


# Lai Châu, ranked 6th of 7 at the scoring meeting, is proposed for a certificate while
# the members ranked 2nd to 5th are not: the minutes say why (rules.rank_reason_refusal).
# Those four had the certificate for 2022, Lai Châu last for 2019 (emulation/awards/demo.py).
RANK_REASONS = {
    ("certificate-of-merit", "12", None): (
        "Liên minh HTX các tỉnh Lào Cai, Yên Bái, Sơn La, Hòa Bình (xếp thứ 2 đến 5) đã được "
        "tặng Bằng khen của Chủ tịch Liên minh HTX Việt Nam cho thành tích năm 2022 và đề nghị "
        "nhường; hội nghị thống nhất đề nghị Liên minh HTX tỉnh Lai Châu, đơn vị có nhiều tiến "
        "bộ trong năm 2023, chưa được khen thưởng từ năm 2019."
    ),
}

DIFFICULTIES_2023 = (
    "Bên cạnh những kết quả đạt được, khu vực kinh tế tập thể, HTX các tỉnh Tây Bắc còn rất "
    "nhiều khó khăn. Còn có những HTX hoạt động yếu, quy mô sản xuất nhỏ, chưa có nhiều sản "
    "phẩm chế biến sâu và có giá trị cao; chưa phát huy hết được vai trò, bản chất của HTX "
    "trong tình hình mới.\n"
    "Ở một số tỉnh địa bàn phân bố HTX rộng, giao thông đi lại khó khăn, nhất là địa bàn vùng "
    "dân tộc thiểu số và miền núi, nên việc kết nối thường xuyên giữa Liên minh HTX tỉnh và "
    "các HTX còn nhiều khó khăn."
)


def award_types_seed() -> None:
    """The award types of the reference data (flag, certificate of merit), and the legal
    basis the report cites when the table has none (a flush emptied it)."""
    load_award_types(AwardType)
    if not LegalBasis.objects.exists():
        load_legal_basis(LegalBasis)
        load_cluster_lines(LegalBasis)
        load_alliance_lines(LegalBasis)


def emulation_year_2023_seed() -> bool:
    """The XIIth conference, its recommendations and the nominations it endorsed. Does
    nothing when the 2023 conference is already recorded. Returns whether it recorded it."""
    award_types_seed()
    cluster = Cluster.objects.get(slug="tay-bac")
    # The document number is invented (the article gives none); date, place and signer
    # default from the conference record below.
    # The difficulties are the article's ("Bên cạnh những kết quả…"); the directions are
    # left to the draft from the data.
    ReportSettings.objects.get_or_create(
        cluster=cluster, year=2023, defaults={"number": 5, "difficulties": DIFFICULTIES_2023}
    )
    if Conference.objects.filter(cluster=cluster, year=2023).exists():
        return False
    conference = Conference(
        cluster=cluster,
        year=2023,
        ordinal="XII",
        date=datetime.date(2023, 11, 30),
        venue="Trụ sở Liên minh Hợp tác xã tỉnh Phú Thọ",
        host=province_for_code("25", 2023),
        topics=TOPICS,
        agreement_signed=True,
    )
    conference.full_clean()
    conference.save()
    Attendee.objects.bulk_create(
        Attendee(conference=conference, name=n, title=t, organisation=o, order=i)
        for i, (n, t, o) in enumerate(ATTENDEES)
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            conference=conference, text=text, addressed_to="Liên minh HTX Việt Nam", order=i
        )
        for i, text in enumerate(RECOMMENDATIONS)
    )
    types = {t.code: t for t in AwardType.objects.all()}
    for code, quota in (("emulation-flag", 3), ("certificate-of-merit", 7)):
        AwardQuota.objects.get_or_create(
            cluster=cluster, year=2023, award_type=types[code], defaults={"quota": quota}
        )
    for award, province_code, cooperative_name in NOMINEES:
        province = province_for_code(province_code, 2023)
        nomination = Nomination(
            cluster=cluster,
            year=2023,
            award_type=types[award],
            votes_for=7,
            votes_present=7,
            # A secret ballot, as practice has it (the cluster-year's default rule).
            voting_method=VotingMethod.SECRET,
            ballots_issued=7,
            ballots_returned=7,
            ballots_valid=7,
            rank_reason=RANK_REASONS.get((award, province_code, cooperative_name), ""),
            status=NominationStatus.ENDORSED,
        )
        if cooperative_name == "person":
            nomination.nominee_person = person_find_or_create(
                province=province, by=None, **DEMO_PERSON
            )
        elif cooperative_name == "household":
            nomination.nominee_household = household_find_or_create(
                province=province, by=None, **DEMO_HOUSEHOLD
            )
        elif cooperative_name:
            nomination.nominee_cooperative, _ = borrower_find_or_create(
                province=province, name=cooperative_name, kind="HTX"
            )
        else:
            nomination.nominee_alliance = province
        nomination.full_clean()
        nomination.save()
    return True


# Demo calendar: figures due mid-November, the conference at the end of the month, as the
# 2023 article's conference (30/11/2023) suggests; in 2025 the northern cluster scores its
# members first, so its conference follows the cross-check and precedes the dossiers.
_DEMO_DEADLINES = {
    ("tay-bac", 2023): {"figures_due": "2023-11-15", "conference_on": "2023-11-30"},
    ("tay-bac", 2024): {"figures_due": "2024-11-15", "conference_on": "2024-11-28"},
    ("mien-nui-phia-bac-1", 2025): {
        "figures_due": "2026-01-15",
        "self_scores_due": "2026-02-27",
        "cross_check_due": "2026-03-13",
        "achievement_reports_due": "2026-03-31",
        "conference_on": "2026-03-20",
    },
}


def demo_deadlines_seed() -> int:
    """Deadlines for the demo cluster-years; existing ones are left alone."""
    created = 0
    for (slug, year), dates in _DEMO_DEADLINES.items():
        cluster = Cluster.objects.filter(slug=slug).first()
        if cluster is None or Deadlines.objects.filter(cluster=cluster, year=year).exists():
            continue
        record = Deadlines(
            cluster=cluster,
            year=year,
            **{name: datetime.date.fromisoformat(day) for name, day in dates.items()},
        )
        record.full_clean()
        record._change_reason = "Dữ liệu mẫu"
        record.save()
        created += 1
    return created
