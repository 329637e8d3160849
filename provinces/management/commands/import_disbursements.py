from django.core.management.base import BaseCommand

from cluster_portal.number_style import format_exact
from provinces.disbursements.excel import disbursements_import
from provinces.organisation.dates import fmt_date
from provinces.spreadsheets.command import add_arguments, run_command_import


class Command(BaseCommand):
    help = (
        "Nhập sổ giải ngân từ tệp .xlsx hoặc .csv (cột: province, fund, date, borrower, "
        "borrower_type, amount, purpose; term_months nếu có). Tất cả hoặc không gì cả: một "
        "dòng sai thì không lưu dòng nào."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, file: str, dry_run: bool, username: str | None, **options):
        report = run_command_import(
            self, disbursements_import, file=file, dry_run=dry_run, username=username
        )
        if options["verbosity"] >= 2:
            for row in report.rows:
                new = " (mới)" if row.borrower_is_new else ""
                self.stdout.write(
                    f"Dòng {row.row}: {row.province.name}, {row.fund}, {fmt_date(row.date)}, "
                    f"{row.borrower.name}{new}, {format_exact(row.amount)} triệu đồng"
                )
        for borrower in report.new_borrowers:
            self.stdout.write(
                f"{'Đã thêm' if report.saved else 'Sẽ thêm'} vào danh bạ: {borrower.name} "
                f"({borrower.kind}, {borrower.province.name})"
            )
        for row in report.possible_duplicates:
            self.stdout.write(
                self.style.WARNING(
                    f"Dòng {row.row}: sổ đã có khoản vay giống hệt (cùng ngày, đơn vị vay, quỹ "
                    "và số tiền): kiểm tra xem tệp có bị nhập hai lần không."
                )
            )
        self.stdout.write(self.style.SUCCESS(report.summary()))
