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

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created"]
        constraints = [
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


class RateCount(models.Model):
    """Requests counted per key (a token) and fixed window of the rate limit, where no
    shared atomic cache is configured (no REDIS_URL): one upsert per request
    (security.count_request). Rows of past windows are removed as new windows start."""

    key = models.CharField(_("đối tượng đếm"), max_length=64)
    window = models.BigIntegerField(_("khung thời gian (số thứ tự)"))
    count = models.PositiveIntegerField(_("số yêu cầu"), default=0)

    class Meta:
        verbose_name = _("lượt gọi API (giới hạn tần suất)")
        verbose_name_plural = _("lượt gọi API (giới hạn tần suất)")
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="ratecount_one_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window}: {self.count}"
