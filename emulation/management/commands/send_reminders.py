import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from emulation.home.reminders import reminders_plan, reminders_send
from emulation.home.todos import snapshot
from provinces.notices.models import EmailState, Notice
from provinces.notices.services import digests_send, notice_email_send


class Command(BaseCommand):
    help = (
        "Gửi nhắc hạn (trước 7 ngày, 1 ngày và khi quá hạn) cho người còn việc phải làm, "
        "gửi thư tổng hợp hằng ngày và các thư còn chờ. Chạy lại không gửi trùng."
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
        notices, mails = reminders_send(snap)
        # Mails that could not go out when their notice was made (mail server down) go now.
        for notice_id in Notice.objects.filter(email_state=EmailState.PENDING).values_list(
            "pk", flat=True
        ):
            mails += notice_email_send(notice_id=notice_id)
        digests, held = digests_send()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã gửi {notices} thông báo nhắc hạn; {mails} thư gửi ngay, {digests} thư "
                f"tổng hợp ({held} thông báo)."
            )
        )
