from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from provinces.figures_io import FIGURES_UPLOAD_MAX_BYTES, figures_import


class Command(BaseCommand):
    help = (
        "Nhập số liệu năm của các tỉnh từ tệp .xlsx hoặc .csv (cột: province, year rồi mã "
        "các chỉ tiêu). Tất cả hoặc không: chỉ cần một dòng lỗi là không nhập gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx hoặc .csv (UTF-8)")
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ kiểm tra và báo cáo, không lưu gì"
        )
        parser.add_argument(
            "--user",
            help="tên đăng nhập của người nhập: ghi vào lịch sử và áp dụng quyền của người đó "
            "(bỏ trống: nhập với quyền hệ thống)",
        )

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        if path.stat().st_size > FIGURES_UPLOAD_MAX_BYTES:
            raise CommandError(
                f"Tệp {file} lớn hơn {FIGURES_UPLOAD_MAX_BYTES // (1024 * 1024)} MB: không nhập."
            )
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user, is_active=True).first()
            if importer is None:
                raise CommandError(f"Không có người dùng “{user}” (hoặc tài khoản đã bị khóa).")
        report = figures_import(
            data=path.read_bytes(), filename=path.name, user=importer, dry_run=dry_run
        )
        if not report.ok:
            for error in report.errors:
                where = "Cả tệp" if error.row is None else f"Dòng {error.row}"
                if error.column:
                    where += f", cột {error.column}"
                self.stderr.write(f"{where}: {error.message}")
            raise CommandError(
                f"Không nhập gì: tệp {path.name} có {len(report.errors)} lỗi (liệt kê ở trên)."
            )
        if options["verbosity"] >= 2:
            for row in report.rows:
                self.stdout.write(
                    f"Dòng {row.row}: {row.province.name} ({row.province.code}) {row.year} — "
                    f"{row.action_label}"
                )
        self.stdout.write(self.style.SUCCESS(report.summary()))
