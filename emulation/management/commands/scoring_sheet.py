from django.core.management.base import BaseCommand, CommandError

from cluster_portal.number_style import format_exact
from cluster_portal.numbers import year_argument
from emulation.management.arguments import cluster_argument, output_path, write_output
from emulation.scoring.render import render_summary_pdf, render_summary_xlsx
from emulation.scoring.selectors import scoring_year

RENDERERS = {"pdf": render_summary_pdf, "xlsx": render_summary_xlsx}


class Command(BaseCommand):
    help = "Xuất bảng tổng hợp kết quả chấm điểm thi đua của một cụm-năm (PDF hoặc Excel)."

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="mã cụm, ví dụ tay-bac")
        parser.add_argument("--year", required=True, type=year_argument)
        parser.add_argument("--format", required=True, choices=sorted(RENDERERS))
        parser.add_argument("-o", "--output", required=True, help="tệp kết quả")

    def handle(self, *args, cluster, year, format, output, **options):
        cluster_obj = cluster_argument(cluster)
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm {year} không hợp lệ.")
        data = scoring_year(cluster_obj, year)
        if data.agreement is None or not data.lines:
            raise CommandError(f"{cluster_obj.name} chưa có bảng chấm điểm năm {year}.")
        target = output_path(output)
        content = RENDERERS[format](data)
        write_output(target, content)
        state = "kết quả chính thức" if data.locked else "kết quả tạm tính"
        self.stdout.write(
            self.style.SUCCESS(f"Đã ghi {target} ({format_exact(len(content))} byte, {state}).")
        )
