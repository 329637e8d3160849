"""`{% offline_user_key user %}`: whose drafts and kept pages the browser holds (offline.py)."""

from django import template

from cluster_portal.offline import user_key

register = template.Library()


@register.simple_tag
def offline_user_key(user) -> str:
    return user_key(user)
