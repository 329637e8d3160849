from django.core.management.base import BaseCommand

from provinces.figures.excel import figures_import
from provinces.spreadsheets.command import add_arguments, run_command_import


class Command(BaseCommand):
    help = (
        "Nhập số liệu năm của các tỉnh từ tệp .xlsx hoặc .csv (cột: province, year rồi mã "
        "các chỉ tiêu). Tất cả hoặc không: chỉ cần một dòng lỗi là không nhập gì."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, file: str, dry_run: bool, username: str | None, **options):
        report = run_command_import(
            self, figures_import, file=file, dry_run=dry_run, username=username
        )
        if options["verbosity"] >= 2:
            for row in report.rows:
                self.stdout.write(
                    f"Dòng {row.row}: {row.province.name} ({row.province.code}) {row.year} — "
                    f"{row.action_label}"
                )
        self.stdout.write(self.style.SUCCESS(report.summary()))
