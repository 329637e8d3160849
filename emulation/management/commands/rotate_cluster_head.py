from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cluster_portal.numbers import year_argument
from emulation.management.arguments import cluster_argument
from emulation.rotation.services import RotationError, cluster_head_rotate
from provinces.organisation.models import ClusterTerm
from provinces.organisation.selectors import province_for_code

# What the command's options do about a refusal (RotationError.remedy).
REMEDIES = {
    "head": "Chỉ định cụm trưởng bằng --head.",
    "replace": "Dùng --replace để thay: nhiệm kỳ cũ vẫn được lưu trong lịch sử.",
}


class Command(BaseCommand):
    help = (
        "Trao cờ luân lưu sang năm Y: cụm phó năm Y-1 làm cụm trưởng năm Y (mặc định), "
        "cụm phó năm Y là tỉnh được chỉ định hoặc tỉnh kế tiếp theo thứ tự luân phiên."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="mã cụm, ví dụ tay-bac")
        parser.add_argument("--to-year", required=True, type=year_argument, help="năm nhận cờ")
        parser.add_argument("--vice", help="mã tỉnh của cụm phó năm đó")
        parser.add_argument(
            "--head", help="mã tỉnh của cụm trưởng (khi năm trước không có cụm phó)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="thay nhiệm kỳ đã có (giữ lịch sử)"
        )
        parser.add_argument("--user", help="tên đăng nhập ghi vào lịch sử")

    def handle(self, *args, cluster, to_year, vice, head, replace, user, **options):
        cluster_obj = cluster_argument(cluster)
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"Không có người dùng “{user}”.")
        units = {}
        for role, code in (("vice", vice), ("head", head)):
            if code:
                units[role] = province_for_code(code, to_year)
                if units[role] is None:
                    raise CommandError(f"Mã tỉnh {code} không ứng với tỉnh nào năm {to_year}.")
        try:
            # The command shows nothing first: it acts on the term as it reads it now.
            shown = ClusterTerm.objects.filter(cluster=cluster_obj, year=to_year).first()
            term = cluster_head_rotate(
                cluster=cluster_obj,
                to_year=to_year,
                replace=replace,
                by=by,
                seen_version=shown.version if shown else 0,
                **units,
            )
        except RotationError as exc:
            remedy = REMEDIES.get(exc.remedy)
            raise CommandError(f"{exc} {remedy}" if remedy else str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{cluster_obj.name} năm {to_year}: cụm trưởng {term.head.alliance_name}, "
                f"cụm phó {term.vice.alliance_name}."
            )
        )
