from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster_portal import access
from cluster_portal.admin_access import OrganisationAccess

from .mailing import notices_email_resend
from .models import EmailChangeRequest, Notice, NoticePreference, ZaloMessage
from .tasks import notice_email_send_task, notice_zalo_send_task
from .zalo import zalo_resend


class _SentRecordAdmin(OrganisationAccess, admin.ModelAdmin):
    """A record of what was sent: read only; admins put failed ones back to waiting."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_resend_permission(self, request) -> bool:
        return access.can_manage_organisation(request.user)


@admin.register(Notice)
class NoticeAdmin(_SentRecordAdmin):
    """What was told to whom and whether the e-mail went out (read only); a notice whose
    e-mail failed shows why, and can be put back to waiting once the cause is fixed."""

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "subject",
        "read_at",
        "email_state",
        "email_attempts",
        "email_error",
    ]
    list_filter = ["kind", "email_state"]
    search_fields = ["recipient__username", "recipient__email", "subject", "key"]
    readonly_fields = [f.name for f in Notice._meta.fields]
    actions = ["resend_email"]

    @admin.action(
        permissions=["resend"],
        description=gettext_lazy("Gửi lại thư của các thông báo không gửi được"),
    )
    def resend_email(self, request, queryset):
        resent = notices_email_resend(notices=queryset)
        for notice_id in resent:
            notice_email_send_task.enqueue(notice_id=notice_id)
        self.message_user(
            request,
            _("Đã xếp %(count)s thông báo vào hàng đợi để gửi lại thư.") % {"count": len(resent)},
            messages.SUCCESS,
        )


@admin.register(NoticePreference)
class NoticePreferenceAdmin(OrganisationAccess, admin.ModelAdmin):
    """A user's choices. The Zalo number is read only: it changes only by its owner typing
    the code sent to it (phone.py), so a number is never confirmed without its code."""

    list_display = ["user", "delivery", "mute_reminders", "channel", "phone", "phone_confirmed_at"]
    list_filter = ["delivery", "mute_reminders", "channel"]
    exclude = ["phone_code_hash"]
    readonly_fields = [
        "phone",
        "phone_confirmed_at",
        "pending_phone",
        "phone_code_sent_at",
        "phone_code_tries",
    ]
    autocomplete_fields = ["user"]


@admin.register(EmailChangeRequest)
class EmailChangeRequestAdmin(OrganisationAccess, admin.ModelAdmin):
    """Who asked to change their address, to what, and whether the link was opened
    (read only: the rows bound how many requests a user makes per hour)."""

    list_display = ["requested_at", "user", "old_email", "email", "confirmed_at"]
    search_fields = ["user__username", "email", "old_email"]
    readonly_fields = [f.name for f in EmailChangeRequest._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ZaloMessage)
class ZaloMessageAdmin(_SentRecordAdmin):
    """Each notice's Zalo message: its state (awaiting Zalo's delivery report when ZNS did
    not answer), attempts, when Zalo reported it delivered, and ZNS's reason when it
    failed; a failed one can be put back to waiting once the cause is fixed (token,
    template)."""

    list_display = [
        "notice",
        "phone",
        "state",
        "attempts",
        "sent_at",
        "delivered_at",
        "msg_id",
        "error",
    ]
    list_filter = ["state"]
    search_fields = ["phone", "notice__recipient__username", "notice__subject", "msg_id"]
    readonly_fields = [f.name for f in ZaloMessage._meta.fields]
    actions = ["resend_zalo"]

    @admin.action(
        permissions=["resend"], description=gettext_lazy("Gửi lại các tin Zalo không gửi được")
    )
    def resend_zalo(self, request, queryset):
        resent = zalo_resend(notices=Notice.objects.filter(zalo__in=queryset))
        for notice_id in resent:
            notice_zalo_send_task.enqueue(notice_id=notice_id)
        self.message_user(
            request,
            _("Đã xếp %(count)s tin Zalo vào hàng đợi để gửi lại.") % {"count": len(resent)},
            messages.SUCCESS,
        )
