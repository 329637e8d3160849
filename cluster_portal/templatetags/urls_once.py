"""`{% url_once %}`: `{% url %}` for the links a page repeats (the navigation of every
page, a link per row), each reversed once per process. A URL is a function of the
URLconf, the script prefix, the view name and its arguments alone, all in the key: no
request, user or database row changes it, so nothing cached here can go stale."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=4096)
def _reversed(urlconf: str, prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, urlconf=urlconf, args=args)


@register.simple_tag
def url_once(name: str, *args) -> str:
    """`{% url_once 'figures:detail' year code %}`: the same URL as `{% url %}` (escaped
    alike), reversed on the first call only."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(urlconf, get_script_prefix(), name, tuple(str(a) for a in args))
