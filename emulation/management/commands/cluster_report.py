from django.core.management.base import BaseCommand, CommandError

from cluster_portal.number_style import format_exact
from cluster_portal.numbers import year_argument
from emulation.management.arguments import cluster_argument, output_path, write_output
from emulation.reports.render import render_report_pdf, render_report_xlsx
from emulation.reports.selectors import cluster_report
from emulation.reports.standalone import render_report_standalone_html

RENDERERS = {
    "pdf": render_report_pdf,
    # One file with its styles and fonts inside: it opens from disk as on the site.
    "html": lambda report: render_report_standalone_html(report).encode(),
    "xlsx": render_report_xlsx,
}


class Command(BaseCommand):
    help = "Xuất báo cáo tổng kết năm của cụm (PDF, HTML hoặc Excel)."

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="mã cụm, ví dụ tay-bac")
        parser.add_argument("--year", required=True, type=year_argument)
        parser.add_argument("--format", required=True, choices=sorted(RENDERERS))
        parser.add_argument("-o", "--output", required=True, help="tệp kết quả")
        parser.add_argument(
            "--preview",
            action="store_true",
            help="bản xem trước làm việc: tính cả số liệu đã nộp chưa duyệt (mặc định: báo "
            "cáo chỉ tính số liệu đã duyệt, như mọi người đọc đều thấy)",
        )

    def handle(self, *args, cluster, year, format, output, preview=False, **options):
        cluster_obj = cluster_argument(cluster)
        report = cluster_report(cluster=cluster_obj, year=year, preview=preview)
        if not report.members:
            raise CommandError(f"{cluster_obj.name} không có thành viên nào năm {year}.")
        target = output_path(output)
        data = RENDERERS[format](report)
        write_output(target, data)
        if preview:
            state = "bản xem trước làm việc, tính cả số liệu đã nộp"
        else:
            state = "bản dự thảo" if report.is_draft else "số liệu đã duyệt"
        self.stdout.write(
            self.style.SUCCESS(f"Đã ghi {target} ({format_exact(len(data))} byte, {state}).")
        )
