"""python manage.py api_token --user U [--name N] [--days D]: print a new API token once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cluster_portal.numbers import VietnameseIntegerField, as_argument
from emulation.api.models import TokenScope
from emulation.api.tokens import DEFAULT_DAYS, MAX_DAYS, api_token_create

DAYS = as_argument(
    VietnameseIntegerField(
        min_value=1,
        max_value=MAX_DAYS,
        error_messages={"out_of_range": f"Thời hạn phải từ 1 đến {MAX_DAYS} ngày."},
    )
)


class Command(BaseCommand):
    help = (
        "Tạo mã truy cập API cho một người dùng và in ra một lần duy nhất "
        "(chỉ mã băm được lưu lại)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="tên đăng nhập của người dùng")
        parser.add_argument("--name", default="", help="tên để nhận biết mã")
        parser.add_argument(
            "--days", type=DAYS, default=DEFAULT_DAYS, help=f"thời hạn, 1–{MAX_DAYS} ngày"
        )
        parser.add_argument(
            "--read-only", action="store_true", help="mã chỉ đọc: mọi yêu cầu ghi bị từ chối"
        )

    def handle(self, *args, user, name, days, read_only=False, **options):
        User = get_user_model()
        try:
            owner = User.objects.get(**{User.USERNAME_FIELD: user})
        except User.DoesNotExist:
            raise CommandError(f"Không có người dùng “{user}”.") from None
        if not owner.is_active:
            raise CommandError(f"Tài khoản “{user}” đã bị khóa: không tạo mã.")
        try:
            token, raw = api_token_create(
                user=owner,
                name=name or f"{user} (dòng lệnh)",
                days=days,
                scope=TokenScope.READ if read_only else TokenScope.WRITE,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(
            f"Mã “{token.name}” của {user}, hết hạn {token.expires:%d/%m/%Y}. "
            "Lưu lại ngay: mã không được hiển thị lần nữa."
        )
        self.stdout.write(raw)
