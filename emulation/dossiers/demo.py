"""Demo: the achievement reports of the ten nominees the 2023 Tây Bắc conference endorsed
(the seed article's eight, an individual and a household), written after the official
forms and submitted, signed by name, so that the 2023 dossier is complete; and the
cooperatives' full legal names, which every document prints.

The texts, particulars, business figures and the signers' names are illustrations in the
register of such reports, not facts about the named units; only the Phú Thọ chair's name
comes from the article. Idempotent."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from emulation.dossiers.models import AchievementReport, DossierSettings
from emulation.nominations.models import NOMINEE_RELATED, Nomination
from provinces.disbursements.models import Cooperative
from provinces.organisation.models import Cluster

from .selectors import IN_DOSSIER
from .services import achievement_report_save, achievement_report_submit

# The cooperatives' full legal names (the directory keeps the article's short names).
FULL_NAMES = {
    "HTX DVNN và điện năng Vĩnh Lại": "Hợp tác xã Dịch vụ nông nghiệp và điện năng Vĩnh Lại",
    "HTX dịch vụ tổng hợp Thắng Lợi": "Hợp tác xã Dịch vụ tổng hợp Thắng Lợi",
    "HTX dịch vụ nông nghiệp Mường Tấc": "Hợp tác xã Dịch vụ nông nghiệp Mường Tấc",
    "HTX NN Hảo Anh": "Hợp tác xã Nông nghiệp Hảo Anh",
    "HTX SX VLXD Hà Nam Bình": "Hợp tác xã Sản xuất vật liệu xây dựng Hà Nam Bình",
    "HTX đa ngành nghề Tâm Cương Tân Minh": "Hợp tác xã Đa ngành nghề Tâm Cương Tân Minh",
}

TEXTS = {
    "summary": "",
    "achievements": (
        "Hoàn thành và hoàn thành vượt mức các chỉ tiêu giao ước thi đua năm 2023; tham mưu, "
        "tuyên truyền, vận động thành lập mới HTX, THT; phối hợp tổ chức các chương trình xúc "
        "tiến thương mại, kết nối tiêu thụ sản phẩm OCOP."
    ),
    "measures": (
        "Bám sát giao ước thi đua, giao chỉ tiêu cụ thể cho từng bộ phận; theo dõi, đôn đốc "
        "hằng tháng.\n"
        "Ứng dụng tiến bộ kỹ thuật, chuyển đổi số trong quản lý và quảng bá sản phẩm."
    ),
    "compliance": (
        "Chấp hành tốt chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước; "
        "thực hiện đầy đủ nghĩa vụ với ngân sách nhà nước; không có đơn thư khiếu nại, tố cáo."
    ),
}
ALLIANCE = {
    "summary": (
        "Liên minh Hợp tác xã tỉnh là tổ chức chính trị – xã hội, đại diện và hỗ trợ các HTX, "
        "THT trên địa bàn tỉnh."
    ),
    "founding": "Thành lập năm 1997 theo quyết định của Ủy ban nhân dân tỉnh.",
    "structure": (
        "Văn phòng, Ban Tuyên truyền – Kiểm tra, Ban Hỗ trợ phát triển HTX và Quỹ hỗ trợ "
        "phát triển HTX; Chi bộ, Công đoàn cơ sở, Chi đoàn thanh niên."
    ),
    "staff_count": 18,
    "signer_title": "Chủ tịch",
    "superior_title": "Chủ tịch",
}
COOPERATIVE = {
    "summary": "Cung ứng dịch vụ đầu vào, tiêu thụ sản phẩm cho thành viên và người dân.",
    "founding": "Đăng ký thành lập năm 2009, tổ chức lại theo Luật Hợp tác xã năm 2012.",
    "structure": "Hội đồng quản trị, Giám đốc, Ban kiểm soát và 3 tổ dịch vụ.",
    "staff_count": 24,
    "signer_title": "Giám đốc",
    "superior_title": "Chủ tịch",
    "revenue": Decimal("6850"),
    "revenue_before": Decimal("6120"),
    "profit": Decimal("540"),
    "profit_before": Decimal("465"),
    "taxes": Decimal("128"),
    "taxes_before": Decimal("110"),
    "members": 86,
    "members_before": 80,
    "workers": 24,
    "workers_before": 21,
    "avg_income": Decimal("78"),
    "avg_income_before": Decimal("72"),
}
PERSON = {
    "summary": (
        "Phụ trách công tác tuyên truyền, thi đua – khen thưởng và hỗ trợ thành lập mới HTX "
        "của Liên minh Hợp tác xã tỉnh."
    ),
    "superior_body": "Liên minh Hợp tác xã tỉnh Lai Châu",
    "superior_title": "Chủ tịch",
}
HOUSEHOLD = {
    "summary": "Hộ có 5 nhân khẩu, 3 lao động chính, canh tác 2,5 ha chè.",
    "revenue": Decimal("420"),
    "revenue_before": Decimal("365"),
    "avg_income": Decimal("84"),
    "avg_income_before": Decimal("73"),
    "superior_body": "Ủy ban nhân dân xã Tân Minh",
    "superior_title": "Chủ tịch",
}
# Signer names by (province code, kind): the unit's head and the direct superior.
SIGNERS = {
    ("25", "alliance"): ("Nguyễn Quốc Dũng", "Ủy ban nhân dân tỉnh Phú Thọ", "Bùi Văn Quang"),
    ("12", "alliance"): ("Lò Văn Thanh", "Ủy ban nhân dân tỉnh Lai Châu", "Giàng A Lử"),
    ("25", "cooperative"): ("Nguyễn Văn Hòa", "Liên minh Hợp tác xã tỉnh Phú Thọ", ""),
    ("15", "cooperative"): ("Hoàng Văn Lợi", "Liên minh Hợp tác xã tỉnh Yên Bái", ""),
    ("14", "cooperative"): ("Lường Văn Tấc", "Liên minh Hợp tác xã tỉnh Sơn La", ""),
    ("10", "cooperative"): ("Trần Thị Hảo", "Liên minh Hợp tác xã tỉnh Lào Cai", ""),
    ("11", "cooperative"): ("Lò Văn Bình", "Liên minh Hợp tác xã tỉnh Điện Biên", ""),
    ("17", "cooperative"): ("Bùi Thị Cương", "Liên minh Hợp tác xã tỉnh Hòa Bình", ""),
    ("12", "person"): ("", "", "Lò Văn Thanh"),
    ("17", "household"): ("", "", "Đinh Công Minh"),
}
# The alliances' chairs confirm their cooperatives' reports (the article names two).
CHAIRS = {
    "25": "Nguyễn Quốc Dũng",
    "15": "Đỗ Nhân Đạo",
    "10": "Trương Mạnh Hùng",
    "14": "Cầm Văn Hùng",
    "11": "Lò Thị Hà",
    "17": "Bùi Đức Hạnh",
}
SUBMITTED_AT = datetime.datetime(2023, 12, 5, 9, 0, tzinfo=datetime.UTC)


def demo_report_fields(nomination: Nomination) -> dict:
    """Every field of the nominee's form, filled as the demo fills it."""
    kind, code = nomination.nominee_kind, nomination.nominee_province.code
    own, superior_body, superior_name = SIGNERS.get((code, kind), ("", "", ""))
    fields = {
        "alliance": {**TEXTS, **ALLIANCE},
        "cooperative": {**TEXTS, **COOPERATIVE},
        "person": {**PERSON, "achievements": TEXTS["achievements"]},
        "household": {
            **HOUSEHOLD,
            "achievements": (
                "Sản xuất, kinh doanh giỏi, thu nhập tăng 15 % so với năm 2022; liên kết với "
                "HTX tiêu thụ chè cho 12 hộ trong xóm."
            ),
        },
    }[kind]
    fields.setdefault("measures", TEXTS["measures"])
    if kind in ("alliance", "cooperative"):
        province = nomination.nominee_province
        fields["head_office"] = f"Trụ sở tại tỉnh {province.name}"
        fields["phone"] = f"0{200 + int(code)} 3852 {int(code):03d}"
        fields["signer_name"] = own
        fields["superior_body"] = superior_body
    fields["superior_name"] = superior_name or CHAIRS.get(code, "")
    return fields


# The dossier as the chair signed it: the letter dated after the last report it encloses
# (5/12), the scoring meeting in the conference's afternoon. The numbers, the times and
# the secretary's name are invented (the article gives none); the chair is the article's.
DOSSIER_SETTINGS = {
    "number": 12,
    "document_date": datetime.date(2023, 12, 8),
    "place": "Phú Thọ",
    "signer_title": "Chủ tịch",
    "signer_name": "Nguyễn Quốc Dũng",
    "minutes_number": 3,
    "meeting_start": datetime.time(14, 0),
    "meeting_end": datetime.time(16, 30),
    "chair_name": "Nguyễn Quốc Dũng",
    "secretary_name": "Đỗ Thị Hương",
}


def dossier_settings_demo_seed(cluster: Cluster) -> None:
    """The 2023 dossier's settings, unless the chair has set some."""
    if not DossierSettings.objects.filter(cluster=cluster, year=2023).exists():
        settings = DossierSettings(cluster=cluster, year=2023, **DOSSIER_SETTINGS)
        settings.full_clean()
        settings.save()


def achievement_reports_demo_seed() -> int:
    """Write and submit the report of every 2023 Tây Bắc nominee that has none yet."""
    for short, full in FULL_NAMES.items():
        Cooperative.objects.matching(short).filter(full_name="").update(full_name=full)
    admin = get_user_model().objects.filter(is_superuser=True).first()
    cluster = Cluster.objects.filter(slug="tay-bac").first()
    if cluster is None:
        return 0
    dossier_settings_demo_seed(cluster)
    nominations = (
        Nomination.objects.filter(cluster=cluster, year=2023, status__in=IN_DOSSIER)
        .exclude(pk__in=AchievementReport.objects.values("nomination"))
        .select_related(*NOMINEE_RELATED)
    )
    written = 0
    for nomination in nominations:
        report = achievement_report_save(
            nomination=nomination, by=admin, seen_version=0, **demo_report_fields(nomination)
        )
        achievement_report_submit(report=report, by=admin, seen_version=report.version)
        # The demo year is 2023: date the submission a few days after the conference.
        AchievementReport.objects.filter(pk=report.pk).update(submitted_at=SUBMITTED_AT)
        written += 1
    return written
