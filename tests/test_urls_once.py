"""`{% url_once %}` (cluster_portal/templatetags/urls_once.py) writes what `{% url %}`
writes, reversed once per process, and the cache cannot hand out a URL of another script
prefix or URLconf."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix

URLS = "{% load urls_once %}{% url_once 'home' %} {% url_once 'figures:detail' year code %}"
PLAIN = "{% url 'home' %} {% url 'figures:detail' year code %}"


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_same_urls_as_the_url_tag():
    for year, code in [(2024, "10"), ("2023", "15")]:
        assert _render(URLS, year=year, code=code) == _render(PLAIN, year=year, code=code)
    assert _render(URLS, year=2024, code="10") == "/ /figures/2024/10/"


def test_the_script_prefix_is_part_of_the_key():
    assert _render(URLS, year=2024, code="10") == "/ /figures/2024/10/"
    set_script_prefix("/portal/")
    try:
        assert _render(URLS, year=2024, code="10") == "/portal/ /portal/figures/2024/10/"
    finally:
        clear_script_prefix()
    assert _render(URLS, year=2024, code="10") == "/ /figures/2024/10/"


def test_the_urlconf_is_part_of_the_key():
    home = "{% load urls_once %}{% url_once 'home' %}"
    assert _render(home) == "/"  # cached for the portal's URLconf
    with override_settings(ROOT_URLCONF="tests.urls_once_conf"):
        assert _render(home) == "/elsewhere/"


def test_an_unknown_name_fails_as_the_url_tag_does():
    with pytest.raises(NoReverseMatch):
        _render("{% load urls_once %}{% url_once 'no-such-page' %}")
