"""Notices: what the portal tells a person, in its inbox and by e-mail, each exactly once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    FIGURES_SUBMITTED = "figures_submitted", _("Số liệu chờ duyệt")
    FIGURES_RETURNED = "figures_returned", _("Số liệu bị trả lại")
    FIGURES_APPROVED = "figures_approved", _("Số liệu đã duyệt")
    REMINDER = "reminder", _("Nhắc hạn")
    OVERDUE = "overdue", _("Quá hạn")
    DOSSIER_REVIEW = "dossier_review", _("Thẩm định hồ sơ khen thưởng")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Gửi thư ngay khi có thông báo")
    DIGEST = "digest", _("Gộp thành một thư mỗi ngày")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi ngay")
    DIGEST = "digest", _("Chờ thư tổng hợp")
    SENDING = "sending", _("Đang gửi thư")
    SENT = "sent", _("Đã gửi thư")
    FAILED = "failed", _("Không gửi được thư")
    NONE = "none", _("Không gửi thư")


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    ZALO = "zalo", _("Zalo")
    BOTH = "both", _("Cả thư điện tử và Zalo")


class ZaloState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi Zalo")
    SENDING = "sending", _("Đang gửi Zalo")
    # Handed over, no answer: ZNS may have it; resent only if no delivery report comes.
    AWAITING = "awaiting", _("Chờ báo nhận của Zalo")
    SENT = "sent", _("Đã gửi Zalo")
    FAILED = "failed", _("Không gửi được Zalo")


class NoticePreference(models.Model):
    """How a user wants to be told. No row: immediate e-mail, reminders on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    delivery = models.CharField(
        _("cách nhận thư"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    mute_reminders = models.BooleanField(
        _("tắt nhắc hạn"),
        default=False,
        help_text=_("Không nhận thư và thông báo nhắc hạn; vẫn nhận thông báo trả lại, duyệt."),
    )
    channel = models.CharField(
        _("kênh nhận thông báo"), max_length=5, choices=Channel.choices, default=Channel.EMAIL
    )
    # The confirmed mobile number ZNS messages go to, as ZNS writes it ("84912345678"),
    # and the one waiting for its code (provinces/notices/phone.py).
    phone = models.CharField(_("số điện thoại Zalo"), max_length=11, blank=True)
    phone_confirmed_at = models.DateTimeField(_("xác nhận số lúc"), null=True, blank=True)
    pending_phone = models.CharField(_("số chờ xác nhận"), max_length=11, blank=True)
    phone_code_hash = models.CharField(_("mã xác nhận (băm)"), max_length=128, blank=True)
    phone_code_sent_at = models.DateTimeField(_("gửi mã lúc"), null=True, blank=True)
    phone_code_tries = models.PositiveSmallIntegerField(_("số lần nhập mã"), default=0)

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="notice_pref_delivery_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="notice_pref_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()}: {self.get_delivery_display()}"


class NoticeQuerySet(models.QuerySet):
    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)

    def to_send(self) -> "NoticeQuerySet":
        """Notices with something to send now: the e-mail (not the digest's) or the Zalo
        message. What a worker is given after notices are recorded, whatever the channel."""
        return self.filter(Q(email_state=EmailState.PENDING) | Q(zalo__state=ZaloState.PENDING))


class Notice(models.Model):
    """One thing told to one person. `key` names the event (figures 12 returned at version
    5, the 7-day reminder of a deadline…): a second notice with the same key for the same
    person is never created, so a rerun tells nobody twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    key = models.CharField(_("khóa sự kiện"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=NoticeKind.choices)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    email_state = models.CharField(
        _("thư"), max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    emailed_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)
    # The sending claim (provinces/notices/mailing.py): who holds it and until when, and
    # when the message was handed to the relay (after that, never sent again by itself).
    email_claim = models.CharField(_("phiên gửi thư"), max_length=32, blank=True)
    email_claimed_until = models.DateTimeField(_("giữ để gửi tới"), null=True, blank=True)
    email_handed_at = models.DateTimeField(_("trao máy chủ thư lúc"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("số lần gửi thư"), default=0)
    email_error = models.CharField(_("lỗi gửi thư"), max_length=500, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                name="notice_once_per_recipient_key",
                violation_error_message="Thông báo này đã được gửi cho người này.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(email_state__in=EmailState.values), name="notice_email_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient.get_username()}: {self.subject}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class ZaloMessage(models.Model):
    """A notice's Zalo message (ZNS template message to the recipient's confirmed phone):
    at most one per notice, sent through the same three short writes as its e-mail (claim,
    hand-over, outcome: provinces/notices/zalo.py)."""

    notice = models.OneToOneField(
        Notice, verbose_name=_("thông báo"), on_delete=models.CASCADE, related_name="zalo"
    )
    # The number confirmed when the notice was recorded, then the one it went to: the
    # number confirmed at send time (zalo._phone_now), never an older one.
    phone = models.CharField(_("số điện thoại"), max_length=11)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=ZaloState.choices, default=ZaloState.PENDING
    )
    claim = models.CharField(_("phiên gửi"), max_length=32, blank=True)
    claimed_until = models.DateTimeField(_("giữ để gửi tới"), null=True, blank=True)
    handed_at = models.DateTimeField(_("trao Zalo lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    error = models.CharField(_("lỗi gửi"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    msg_id = models.CharField(_("mã tin ZNS"), max_length=64, blank=True)
    # When Zalo reported the message on the recipient's phone (its webhook: zalo_webhook.py).
    delivered_at = models.DateTimeField(_("Zalo báo đã nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tin Zalo")
        verbose_name_plural = _("tin Zalo")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ZaloState.values), name="zalo_message_state_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} → Zalo {self.phone}"


class EmailChangeRequest(models.Model):
    """A request to change a user's e-mail address: the link mailed to `email` names this
    row. Only the user's latest request can be confirmed (a new request makes every older
    link useless), once; the rows of the last hour bound how many are made
    (provinces/notices/account.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="email_change_requests",
    )
    email = models.EmailField("địa chỉ mới", max_length=254)
    old_email = models.EmailField("địa chỉ lúc yêu cầu", max_length=254, blank=True)
    requested_at = models.DateTimeField("yêu cầu lúc", default=timezone.now)
    confirmed_at = models.DateTimeField("xác nhận lúc", null=True, blank=True)

    class Meta:
        verbose_name = "yêu cầu đổi địa chỉ thư"
        verbose_name_plural = "yêu cầu đổi địa chỉ thư"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["user", "requested_at"], name="email_change_user_time")]

    def __str__(self) -> str:
        return f"{self.user.get_username()} → {self.email}"
