from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from cluster_portal.number_style import format_exact
from cluster_portal.numbers import year_argument
from emulation.management.arguments import cluster_argument, output_path, write_output
from emulation.news.docx import render_post_docx
from emulation.news.selectors import news_post
from provinces.organisation.models import YEAR_VALIDATORS

RENDERERS = {
    "html": lambda post: render_to_string("news/post_export.html", {"post": post}).encode(),
    "docx": render_post_docx,
}


class Command(BaseCommand):
    help = "Xuất bài tin hội nghị của cụm (HTML cho trang tin hoặc Word)."

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="mã cụm, ví dụ tay-bac")
        parser.add_argument("--year", required=True, type=year_argument)
        parser.add_argument("--format", required=True, choices=sorted(RENDERERS))
        parser.add_argument("-o", "--output", required=True, help="tệp kết quả")

    def handle(self, *args, cluster, year, format, output, **options):
        low, high = (v.limit_value for v in YEAR_VALIDATORS)
        if not low <= year <= high:
            raise CommandError(f"Năm {year} không hợp lệ (từ {low} đến {high}).")
        cluster_obj = cluster_argument(cluster)
        post = news_post(cluster=cluster_obj, year=year)
        if not post.has_text:
            raise CommandError(f"{cluster_obj.name} chưa có biên bản hội nghị năm {year}.")
        target = output_path(output)
        data = RENDERERS[format](post)
        write_output(target, data)
        state = "bản đã biên tập" if post.edited else "bản nháp từ số liệu đã duyệt"
        self.stdout.write(
            self.style.SUCCESS(f"Đã ghi {target} ({format_exact(len(data))} byte, {state}).")
        )
