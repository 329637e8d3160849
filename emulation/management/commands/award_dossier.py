from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cluster_portal.number_style import format_exact
from cluster_portal.numbers import year_argument
from emulation.dossiers.render import DossierIncompleteError, dossier_zip
from emulation.dossiers.selectors import dossier_for
from emulation.management.arguments import cluster_argument


class Command(BaseCommand):
    help = (
        "Tạo hồ sơ đề nghị khen thưởng của một cụm trong một năm (tờ trình, biên bản họp "
        "bình xét, bảng tổng hợp điểm, báo cáo thành tích; mỗi văn bản .docx và .pdf) thành "
        "một tệp .zip. Từ chối, không tạo tệp, khi hồ sơ còn thiếu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="mã cụm, ví dụ tay-bac")
        parser.add_argument("--year", required=True, type=year_argument)
        parser.add_argument("-o", "--output", required=True, help="tệp .zip sẽ tạo")

    def handle(self, *args, cluster: str, year: int, output: str, **options):
        found = cluster_argument(cluster)
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm {year} không hợp lệ.")
        path = Path(output)
        if path.suffix.lower() != ".zip":
            raise CommandError(f"Tệp ra phải có đuôi .zip: {output}")
        if not path.parent.exists():
            raise CommandError(f"Không có thư mục {path.parent}.")
        try:
            content = dossier_zip(dossier_for(found, year))
        except DossierIncompleteError as exc:
            raise CommandError(str(exc)) from None
        path.write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo hồ sơ khen thưởng {path} ({format_exact(len(content))} byte)."
            )
        )
