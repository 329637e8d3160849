"""Reads of the news post: the chair's saved text, else the draft from the record."""

from __future__ import annotations

from dataclasses import dataclass

from emulation.reports.selectors import ClusterReport, cluster_report

from .draft import Draft, draft_post, typeset
from .models import NewsPost


@dataclass
class Post:
    report: ClusterReport
    draft: Draft
    saved: NewsPost | None

    @property
    def edited(self) -> bool:
        return self.saved is not None

    @property
    def title(self) -> str:
        return self.saved.title if self.saved else self.draft.title

    @property
    def lead(self) -> str:
        return self.saved.lead if self.saved else self.draft.lead

    @property
    def paragraphs(self) -> list[str]:
        return self.saved.paragraphs if self.saved else self.draft.paragraphs

    @property
    def captions(self) -> list[str]:
        return self.saved.caption_list if self.saved else self.draft.captions

    @property
    def shown_title(self) -> str:
        return typeset(self.title)

    @property
    def shown_lead(self) -> str:
        return typeset(self.lead)

    @property
    def sections(self) -> list[tuple[str | None, list[str]]]:
        """The post as it is laid out in every format: the first caption (the conference
        hall) after the guests' paragraph, the others at the end, each with its photo;
        numbers bound to their units (`typeset`)."""
        paragraphs = [typeset(text) for text in self.paragraphs]
        captions = [typeset(text) for text in self.captions]
        if not captions:
            return [(None, paragraphs)]
        head = min(1, len(paragraphs))
        blocks = [(None, paragraphs[:head]), (captions[0], paragraphs[head:])]
        blocks += [(caption, []) for caption in captions[1:]]
        return blocks

    @property
    def has_text(self) -> bool:
        return bool(self.title)


def news_post(*, cluster, year: int, members=None) -> Post:
    """The cluster-year's post; the report counts approved records only, as every reader's."""
    report = cluster_report(cluster=cluster, year=year, members=members)
    saved = NewsPost.objects.filter(cluster=cluster, year=year).first()
    return Post(report=report, draft=draft_post(report), saved=saved)


def post_filename(slug: str, year: int, extension: str) -> str:
    return f"tin-hoi-nghi-{slug}-{year}.{extension}"
