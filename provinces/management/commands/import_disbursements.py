from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from provinces.disbursement_io import disbursements_import
from provinces.numbers import format_vn_number
from provinces.organisation.dates import fmt_date
from provinces.uploads import FileProblem, check_upload_size


class Command(BaseCommand):
    help = (
        "Nhập sổ giải ngân từ tệp .xlsx hoặc .csv (cột: province, fund, date, borrower, "
        "borrower_type, amount, purpose; term_months nếu có). Tất cả hoặc không gì cả: một "
        "dòng sai thì không lưu dòng nào."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx hoặc .csv (UTF-8)")
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ kiểm tra và báo cáo, không lưu gì"
        )
        parser.add_argument(
            "--user",
            dest="username",
            help="tên đăng nhập của người nhập: áp dụng quyền của người đó và ghi vào lịch sử",
        )

    def handle(self, *args, file: str, dry_run: bool, username: str | None, **options):
        user = None
        if username:
            try:
                user = get_user_model().objects.get_by_natural_key(username)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Không có người dùng “{username}”.") from None
        path = Path(file)
        try:
            check_upload_size(path.stat().st_size)  # before reading it into memory
            data = path.read_bytes()
        except FileProblem as exc:
            raise CommandError(f"Không nhập tệp {path.name}: {exc}") from None
        except FileNotFoundError:
            raise CommandError(f"Không tìm thấy tệp {file}.") from None
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror}.") from None

        report = disbursements_import(data=data, filename=path.name, user=user, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Không nhập tệp {path.name}: {format_vn_number(len(report.errors))} lỗi (liệt "
                "kê ở trên). Không có thay đổi nào được lưu."
            )
        if options["verbosity"] >= 2:
            for row in report.rows:
                new = " (mới)" if row.borrower_is_new else ""
                self.stdout.write(
                    f"Dòng {row.row}: {row.province.name}, {row.fund}, {fmt_date(row.date)}, "
                    f"{row.borrower.name}{new}, {format_vn_number(row.amount)} triệu đồng"
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
