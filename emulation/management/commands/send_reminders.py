import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from emulation.home.reminders import reminders_plan, reminders_send
from emulation.home.todos import snapshot
from provinces.notices.mailing import digests_send, notices_email_retry
from provinces.notices.models import EmailState, Notice
from provinces.notices.tasks import tasks_reclaim
from provinces.notices.zalo import zalo_retry


class Command(BaseCommand):
    help = (
        "Gửi nhắc hạn (trước 7 ngày, 1 ngày và khi quá hạn) cho người còn việc phải làm, "
        "gửi thư tổng hợp hằng ngày và các thư còn chờ, đưa lại vào hàng đợi các việc mà "
        "tiến trình nền bỏ dở. Chạy lại không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="ngày coi là hôm nay, dạng YYYY-MM-DD (mặc định: hôm nay, giờ VN)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ liệt kê, không ghi và không gửi gì"
        )

    def handle(self, *args, today: str | None, dry_run: bool, **options):
        now = timezone.now()
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    f"--today {today!r} không hợp lệ: viết theo dạng YYYY-MM-DD."
                ) from None
            # Noon of that day in the portal's time zone: the day's own deadlines not yet past.
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        snap = snapshot(now=now)
        if dry_run:
            planned = reminders_plan(snap)
            for item in planned:
                self.stdout.write(f"{item.user.get_username()}: {item.draft.subject}")
            self.stdout.write(f"Chạy thử: sẽ gửi {len(planned)} thông báo nhắc hạn.")
            return
        tasks_reclaim()  # tasks whose worker died go back on the queue
        notices, mails = reminders_send(snap)
        # Mails that could not go out earlier (mail server down, a worker that died before
        # handing its mail over) go now, each on its own.
        mails += notices_email_retry()
        digests, held = digests_send()
        zalo = zalo_retry()  # Zalo: refused for a while (token, limits), or no report came
        failed = Notice.objects.filter(email_state=EmailState.FAILED).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã gửi {notices} thông báo nhắc hạn; {mails} thư gửi ngay, {digests} thư "
                f"tổng hợp ({held} thông báo); {zalo} tin Zalo gửi lại."
            )
        )
        if failed:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)s thông báo không gửi được thư (lý do ghi ở từng thông báo, "
                        "xem trong trang quản trị)."
                    )
                    % {"count": failed}
                )
            )
