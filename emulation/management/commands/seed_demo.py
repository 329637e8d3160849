from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from emulation.awards.demo import award_register_demo_seed
from emulation.decisions.demo import review_decisions_demo_seed
from emulation.demo import demo_deadlines_seed, emulation_year_2023_seed
from emulation.demo_cluster import demo_cluster_organisation_seed, demo_cluster_seed
from emulation.dossiers.demo import achievement_reports_demo_seed
from emulation.scoring.demo import scoring_demo_seed
from provinces.demo import (
    demo_disbursements_seed,
    demo_figures_seed,
    demo_users_seed,
    organisation_seed,
)


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: danh mục tỉnh, hai cụm thi đua, một cụm minh hoạ (dữ liệu bịa), "
        "cụm trưởng/cụm phó, tài khoản admin, một cán bộ mỗi tỉnh và một cán bộ Liên minh HTX "
        "Việt Nam (vca); hồ sơ khen thưởng năm 2023 của Cụm Tây Bắc đã thẩm định và có quyết "
        "định khen thưởng. Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo", help="mật khẩu của mọi tài khoản mẫu")
        parser.add_argument(
            "--force", action="store_true", help="cho phép chạy khi DEBUG tắt (môi trường thật)"
        )

    def handle(self, *args, password: str, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo từ chối chạy khi DEBUG tắt: dữ liệu mẫu và mật khẩu mẫu không được "
                "đưa vào hệ thống thật. Bật DEBUG=1, hoặc dùng --force nếu chắc chắn."
            )
        if not password:
            raise CommandError("--password không được để trống.")
        with transaction.atomic():
            organisation_seed()
            demo_cluster_organisation_seed()  # before the users: one per member
            usernames = demo_users_seed(password=password)
            figures = demo_figures_seed()
            disbursements = demo_disbursements_seed()
            emulation_year_2023_seed()
            award_register_demo_seed()
            demo_deadlines_seed()
            scoring_demo_seed()
            achievement_reports_demo_seed()
            demo_cluster_seed()
            decisions = review_decisions_demo_seed()  # Tây Bắc 2023: reviewed, decided
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu mẫu: {len(usernames)} tài khoản ({', '.join(usernames)}), "
                f"{figures} bản số liệu mới, {disbursements} khoản giải ngân mới, "
                f"{decisions} quyết định khen thưởng mới."
            )
        )
