"""The conference news post of a cluster-year: the article a provincial alliance publishes
on the day of the conference, drafted from the record (`draft.py`) and edited by the chair."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.organisation.models import YEAR_VALIDATORS, Cluster


class NewsPost(models.Model):
    """The chair's edited text of the post. Until it is saved the post is the draft from
    the record, read afresh each time; once saved it is this text, versioned (the one
    versioned save: `services.news_post_save`)."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm"), on_delete=models.CASCADE, related_name="news_posts"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("tiêu đề"), max_length=300)
    lead = models.TextField(_("đoạn mở đầu (sapo)"), max_length=3000)
    body = models.TextField(_("nội dung"), max_length=30000, help_text=_("Mỗi dòng một đoạn văn."))
    captions = models.TextField(
        _("chú thích ảnh"),
        blank=True,
        max_length=3000,
        help_text=_("Mỗi dòng chú thích của một ảnh, theo thứ tự ảnh trong bài."),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("lúc sửa"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("lịch sử bài tin hội nghị"))

    class Meta:
        verbose_name = _("bài tin hội nghị")
        verbose_name_plural = _("bài tin hội nghị")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="news_post_one_per_cluster_year",
                violation_error_message="Cụm đã có bài tin hội nghị của năm này.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return _lines(self.body)

    @property
    def caption_list(self) -> list[str]:
        return _lines(self.captions)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
