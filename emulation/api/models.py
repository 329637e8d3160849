"""API tokens: a secret bound to one user, so that a request carries that user's rights.

Only the SHA-256 of a token is stored (a token is a long random secret, so a plain hash is
enough: there is nothing to guess), with its first characters for people to tell tokens
apart. The token itself is shown once, when it is made, and never again.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked, not expired, of an active user."""
        return self.filter(
            revoked_at__isnull=True, expires__gt=timezone.now(), user__is_active=True
        )

    def of(self, user) -> "ApiTokenQuerySet":
        return self.filter(user=user).order_by("-created")


class TokenScope(models.TextChoices):
    READ = "read", _("chỉ đọc")
    WRITE = "write", _("đọc và ghi")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên"), max_length=100)
    token_hash = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("đầu mã (để nhận biết)"), max_length=12, editable=False)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    expires = models.DateTimeField(_("hết hạn lúc"))
    last_used = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # What the token may do, within its user's rights: a read-only token's writes are
    # refused with 403 (access.api_token_may_write), whatever the user may do on the pages.
    scope = models.CharField(
        _("phạm vi"), max_length=5, choices=TokenScope.choices, default=TokenScope.WRITE
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values), name="api_token_scope_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(expires__gt=models.F("created")),
                name="api_token_expires_after_created",
                violation_error_message="Ngày hết hạn phải sau ngày tạo.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def history_reason(self) -> str:
        """How writes made with this token are named in the audit history."""
        return f"API: {self.name}"


class IdempotentRequest(models.Model):
    """A POST sent with an `Idempotency-Key` header, kept for settings.API_IDEMPOTENCY_HOURS:
    the same key and body from the same token again is answered with the stored response
    and writes nothing; the same key with another body is a 409 (emulation.api.idempotency).
    `status` null: the first request is still being answered."""

    token = models.ForeignKey(
        ApiToken,
        verbose_name=_("mã truy cập"),
        on_delete=models.CASCADE,
        related_name="idempotent_requests",
    )
    key = models.CharField(_("khóa chống gửi lặp"), max_length=255)
    request_hash = models.CharField(_("mã băm của yêu cầu"), max_length=64)
    status = models.PositiveSmallIntegerField(_("mã trạng thái"), null=True, blank=True)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100, blank=True)
    body = models.BinaryField(_("nội dung trả lời"), blank=True, default=b"")
    created = models.DateTimeField(_("nhận lúc"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("yêu cầu có khóa chống gửi lặp")
        verbose_name_plural = _("yêu cầu có khóa chống gửi lặp")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotent_one_per_token_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
