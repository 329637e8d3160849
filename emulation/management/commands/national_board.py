from django.core.management.base import BaseCommand, CommandError

from cluster_portal.number_style import format_exact
from cluster_portal.numbers import year_argument
from emulation.management.arguments import output_path, write_output
from emulation.national.render import render_board_pdf, render_board_xlsx
from emulation.national.selectors import national_board

RENDERERS = {"pdf": render_board_pdf, "xlsx": render_board_xlsx}


class Command(BaseCommand):
    help = "Xuất bảng tổng hợp toàn quốc của một năm (PDF hoặc Excel): số liệu đã duyệt."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=year_argument)
        parser.add_argument("--format", required=True, choices=sorted(RENDERERS))
        parser.add_argument("-o", "--output", required=True, help="tệp kết quả")

    def handle(self, *args, year, format, output, **options):
        target = output_path(output)
        board = national_board(year)
        if not board.clusters:
            raise CommandError(f"Năm {year} không có cụm thi đua nào có thành viên.")
        data = RENDERERS[format](board)
        write_output(target, data)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi {target} ({format_exact(len(data))} byte, {len(board.clusters)} cụm, "
                f"{board.member_count} tỉnh)."
            )
        )
