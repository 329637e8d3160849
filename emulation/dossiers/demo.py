"""Demo: the achievement reports of the eight nominees the 2023 Tây Bắc conference
endorsed (seed article), written and submitted, so that the 2023 dossier is complete.

The texts are illustrations in the register of such reports, not facts about the named
units; only the Phú Thọ chair's name comes from the article. Idempotent."""

import datetime

from django.contrib.auth import get_user_model

from emulation.dossiers.models import AchievementReport, DossierSettings
from emulation.nominations.models import Nomination
from provinces.organisation.models import Cluster

from .selectors import IN_DOSSIER
from .services import achievement_report_save, achievement_report_submit

ALLIANCE_TEXT = {
    "summary": (
        "Liên minh HTX tỉnh là tổ chức chính trị – xã hội, đại diện và hỗ trợ các HTX, THT "
        "trên địa bàn tỉnh; bộ máy gồm Văn phòng, các ban chuyên môn và Quỹ hỗ trợ phát triển HTX."
    ),
    "achievements": (
        "Tham mưu cho Tỉnh ủy, UBND tỉnh ban hành các văn bản chỉ đạo phát triển kinh tế tập "
        "thể; tuyên truyền, vận động thành lập mới HTX, THT vượt chỉ tiêu giao ước thi đua.\n"
        "Phối hợp tổ chức các chương trình xúc tiến thương mại, kết nối tiêu thụ sản phẩm OCOP "
        "của HTX trong Cụm; tổ chức các lớp đào tạo, tập huấn cho cán bộ quản lý HTX."
    ),
    "measures": (
        "Bám sát giao ước thi đua của Cụm, giao chỉ tiêu cụ thể cho từng phòng, ban; theo dõi, "
        "đôn đốc hằng tháng.\n"
        "Giải ngân vốn Quỹ hỗ trợ phát triển HTX đúng đối tượng, ưu tiên HTX ứng dụng công nghệ "
        "cao, chuyển đổi số."
    ),
    "signer_title": "Chủ tịch",
}
COOPERATIVE_TEXT = {
    "summary": (
        "HTX hoạt động theo Luật Hợp tác xã năm 2023, cung ứng dịch vụ đầu vào, tiêu thụ sản "
        "phẩm cho thành viên và người dân trên địa bàn."
    ),
    "achievements": (
        "Duy trì hoạt động sản xuất, kinh doanh ổn định, doanh thu và thu nhập của thành viên "
        "tăng so với năm trước; tạo việc làm thường xuyên cho lao động địa phương.\n"
        "Thực hiện đầy đủ nghĩa vụ với Nhà nước; tích cực tham gia các hoạt động an sinh xã "
        "hội tại địa phương."
    ),
    "measures": (
        "Mở rộng liên kết theo chuỗi giá trị với doanh nghiệp; ứng dụng tiến bộ kỹ thuật, "
        "chuyển đổi số trong quản lý và quảng bá sản phẩm."
    ),
    "signer_title": "Giám đốc",
}
SUBMITTED_AT = datetime.datetime(2023, 12, 5, 9, 0, tzinfo=datetime.UTC)
SIGNERS = {("25", True): "Nguyễn Quốc Dũng"}  # the article names Phú Thọ's chair
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
    admin = get_user_model().objects.filter(is_superuser=True).first()
    cluster = Cluster.objects.filter(slug="tay-bac").first()
    if cluster is None:
        return 0
    dossier_settings_demo_seed(cluster)
    nominations = (
        Nomination.objects.filter(cluster=cluster, year=2023, status__in=IN_DOSSIER)
        .exclude(pk__in=AchievementReport.objects.values("nomination"))
        .select_related("nominee_alliance", "nominee_cooperative__province")
    )
    written = 0
    for nomination in nominations:
        alliance = nomination.nominee_alliance_id is not None
        texts = dict(ALLIANCE_TEXT if alliance else COOPERATIVE_TEXT)
        code = nomination.nominee_province.code
        texts["signer_name"] = SIGNERS.get((code, alliance), "")
        report = achievement_report_save(
            nomination=nomination,
            by=admin,
            seen_version=0,
            **texts,  # none yet
        )
        achievement_report_submit(report=report, by=admin, seen_version=report.version)
        # The demo year is 2023: date the submission a few days after the conference.
        AchievementReport.objects.filter(pk=report.pk).update(submitted_at=SUBMITTED_AT)
        written += 1
    return written
