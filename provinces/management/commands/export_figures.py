from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cluster_portal.numbers import year_argument
from provinces.figures.excel_export import figures_csv, figures_workbook
from provinces.organisation.models import YEAR_VALIDATORS, Cluster


class Command(BaseCommand):
    help = (
        "Xuất số liệu năm của các tỉnh ra .xlsx hoặc .csv (theo đuôi tệp của -o; mặc định CSV "
        "ra màn hình). Cột: province, year, mã các chỉ tiêu, rồi province_name, status."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=year_argument, required=True, help="năm số liệu")
        parser.add_argument("-o", "--output", help="tệp .xlsx hoặc .csv cần ghi")
        parser.add_argument("--cluster", help="mã cụm (ví dụ tay-bac); bỏ trống: mọi cụm")

    def handle(self, *args, year: int, output: str | None, cluster: str | None, **options):
        low, high = (v.limit_value for v in YEAR_VALIDATORS)
        if not low <= year <= high:
            raise CommandError(f"Năm {year} không hợp lệ (từ {low} đến {high}).")
        cluster_obj = None
        if cluster:
            cluster_obj = Cluster.objects.filter(slug=cluster).first()
            if cluster_obj is None:
                slugs = ", ".join(Cluster.objects.values_list("slug", flat=True))
                raise CommandError(f"Không có cụm “{cluster}”. Các cụm: {slugs}.")
            if not cluster_obj.is_active_in(year):
                raise CommandError(f"{cluster_obj.name} không hoạt động trong năm {year}.")
        if output is None:
            data = figures_csv(year=year, cluster=cluster_obj, bom=False)
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            data = figures_workbook(year=year, cluster=cluster_obj)
        elif suffix == ".csv":
            data = figures_csv(year=year, cluster=cluster_obj)
        else:
            raise CommandError(
                f"Không biết xuất dạng “{suffix or path.name}”: dùng .xlsx hoặc .csv."
            )
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {output}: {exc.strerror}.") from None
        self.stdout.write(self.style.SUCCESS(f"Đã ghi số liệu năm {year} vào {output}."))
