"""The navigation's link to the national board, offered only to those who may open it."""

from django import template

from cluster_portal import access

register = template.Library()


@register.filter
def reads_national(user) -> bool:
    """`{% if user|reads_national %}`: national staff and admins (access.can_view_national)."""
    return access.can_view_national(user)
