from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from provinces.notices.tasks import tasks_reclaim


class Command(BaseCommand):
    help = _(
        "Đưa lại vào hàng đợi các việc nền vẫn ở trạng thái đang chạy quá thời hạn giữ chỗ "
        "(tiến trình db_worker của chúng đã chết). Chạy khi khởi động db_worker; "
        "send_reminders cũng chạy việc này hằng ngày."
    )

    def handle(self, *args, **options):
        count = tasks_reclaim()
        self.stdout.write(_("Đã đưa lại %(count)s việc vào hàng đợi.") % {"count": count})
