from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emulation.scoring.render import render_summary_pdf, render_summary_xlsx
from emulation.scoring.selectors import scoring_year
from provinces.models import Cluster
from provinces.spreadsheets.numbers import format_vn_number

RENDERERS = {"pdf": render_summary_pdf, "xlsx": render_summary_xlsx}


class Command(BaseCommand):
    help = "Xuất bảng tổng hợp kết quả chấm điểm thi đua của một cụm-năm (PDF hoặc Excel)."

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="mã cụm, ví dụ tay-bac")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", required=True, choices=sorted(RENDERERS))
        parser.add_argument("-o", "--output", required=True, help="tệp kết quả")

    def handle(self, *args, cluster, year, format, output, **options):
        try:
            cluster_obj = Cluster.objects.get(slug=cluster)
        except Cluster.DoesNotExist:
            slugs = ", ".join(Cluster.objects.values_list("slug", flat=True))
            raise CommandError(f"Không có cụm “{cluster}”. Các cụm: {slugs}.") from None
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm {year} không hợp lệ.")
        data = scoring_year(cluster_obj, year)
        if data.agreement is None or not data.lines:
            raise CommandError(f"{cluster_obj.name} chưa có bảng chấm điểm năm {year}.")
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"Thư mục {target.parent} không tồn tại.")
        content = RENDERERS[format](data)
        target.write_bytes(content)
        state = "kết quả chính thức" if data.locked else "kết quả tạm tính"
        self.stdout.write(
            self.style.SUCCESS(f"Đã ghi {target} ({format_vn_number(len(content))} byte, {state}).")
        )
