"""Writes of the news post: the chair's edit, through the one versioned save."""

from django.db import transaction

from cluster_portal.locking import claimed_save, version_claim

from .models import NewsPost


@transaction.atomic
def news_post_save(*, post: NewsPost, by, seen_version: int | None) -> NewsPost:
    """Save the chair's text, refusing when someone else saved it in between
    (cluster_portal.locking.StaleRecordError); history records who."""
    key = {"cluster_id": post.cluster_id, "year": post.year}
    version_claim(post, seen_version=seen_version, key=key)
    post.updated_by = by
    post.full_clean()
    post._history_user = by
    claimed_save(post)
    return post
