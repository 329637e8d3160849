from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cluster_portal.numbers import year_argument
from emulation.management.arguments import cluster_argument
from emulation.scoring.criteria_io import MAX_ROWS, parse_criteria_rows
from emulation.scoring.selectors import scoring_year
from emulation.scoring.services import ScoringError, agreement_create, criteria_replace
from provinces.spreadsheets.reading import FileProblem, check_upload_size, read_rows


class Command(BaseCommand):
    help = (
        "Nhập bảng tiêu chí chấm điểm (giao ước thi đua) của một cụm-năm từ tệp .xlsx/.csv. "
        "Tất cả hoặc không: tệp có lỗi thì không nhập dòng nào. Định dạng: xem README."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx hoặc .csv")
        parser.add_argument("--cluster", required=True, help="mã cụm, ví dụ tay-bac")
        parser.add_argument("--year", required=True, type=year_argument)
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def handle(self, *args, file, cluster, year, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        cluster_obj = cluster_argument(cluster)
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm {year} không hợp lệ.")
        data = scoring_year(cluster_obj, year)
        if not data.members:
            raise CommandError(f"{cluster_obj.name} không có thành viên nào năm {year}.")
        if data.agreement is not None and data.agreement.is_signed:
            raise CommandError(f"Giao ước năm {year} đã ký: không thay bảng tiêu chí được nữa.")
        try:
            check_upload_size(path.stat().st_size)  # before reading it into memory
            rows = read_rows(data=path.read_bytes(), filename=path.name, max_rows=MAX_ROWS)
        except FileProblem as exc:
            raise CommandError(str(exc)) from None
        parsed = parse_criteria_rows(rows)
        if parsed.errors:
            for row, message in parsed.errors:
                self.stderr.write(f"Dòng {row}: {message}")
            raise CommandError(f"Tệp có {len(parsed.errors)} dòng lỗi: không nhập dòng nào.")
        try:
            with transaction.atomic():
                agreement = data.agreement or agreement_create(
                    cluster=cluster_obj, year=year, by=None
                )
                count = criteria_replace(
                    agreement=agreement,
                    parsed=parsed,
                    members=data.members,
                    by=None,
                    seen_version=agreement.version,  # the command shows nothing first
                )
                problems = scoring_year(cluster_obj, year).problems
                if dry_run:
                    transaction.set_rollback(True)
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        for problem in problems:
            self.stdout.write(self.style.WARNING(f"Chưa ký được: {problem}"))
        verb = "Kiểm tra xong (không ghi)" if dry_run else "Đã nhập"
        self.stdout.write(
            self.style.SUCCESS(f"{verb}: {count} tiêu chí cho {cluster_obj.name} năm {year}.")
        )
