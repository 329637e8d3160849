from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from emulation.api.idempotency import idempotency_purge


class Command(BaseCommand):
    help = (
        "Xóa các khóa chống gửi lặp (Idempotency-Key) của API đã quá hạn giữ "
        "(API_IDEMPOTENCY_HOURS). Chạy hằng ngày cùng bộ hẹn giờ nhắc hạn; chạy lại không sao."
    )

    def handle(self, *args, **options):
        count = idempotency_purge()
        self.stdout.write(_("Đã xóa %(count)s khóa chống gửi lặp quá hạn.") % {"count": count})
