"""The installable web app's server side (issue 27, cluster_portal/offline.py): the service
worker at /sw.js (scope "/", never cached stale, its shell and Workbox modules under the
static URLs), the manifest, the mark naming a form page's user, and the logout that tells
the browser to forget. In production (DEBUG off, collectstatic, WhiteNoise under gunicorn)
every URL the worker names is served (tests/test_hardening.py, the gunicorn test)."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from cluster_portal.offline import SHELL, USER_HEADER, user_key
from tests.factories import make_figures

pytestmark = pytest.mark.django_db


def worker_config(source: str) -> dict:
    first = source.split("\n", 1)[0]
    match = re.fullmatch(r"self\.OFFLINE_CONFIG = (.*);", first)
    assert match, first
    return json.loads(match.group(1))


def test_the_worker_is_served_at_the_root_and_checked_again_each_time(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    source = response.content.decode()
    config = worker_config(source)
    assert config["workbox"] == "/static/vendor/workbox/workbox-sw.js"
    assert {s["url"] for s in config["shell"]} == {f"/static/{path}" for path in SHELL}
    assert all(s["revision"] for s in config["shell"])  # unhashed names: a content hash
    assert "precacheAndRoute(CONFIG.shell)" in source
    assert client.post("/sw.js").status_code == 405


def test_every_file_the_worker_names_exists():
    for path in (*SHELL, "vendor/workbox/workbox-sw.js", "vendor/idb/umd.js"):
        assert finders.find(path), path
    for module in ("core", "routing", "strategies", "precaching"):
        assert finders.find(f"vendor/workbox/workbox-{module}.prod.js"), module


def test_the_manifest_makes_the_portal_installable(client):
    response = client.get(reverse("manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Cổng thông tin Cụm thi đua Liên minh HTX"
    assert (data["start_url"], data["display"]) == ("/", "standalone")
    assert data["icons"][0]["src"] == "/static/img/flag.svg"
    page = client.get(reverse("login")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_a_form_page_names_its_user_and_other_pages_do_not(client, make_staff):
    clerk = make_staff("Sơn La", 2024)
    colleague = make_staff("Sơn La", 2024, username="sonla2")
    make_figures("14", 2024)
    client.force_login(clerk)
    edit = client.get("/figures/2024/14/edit/")
    assert edit[USER_HEADER] == user_key(clerk) != user_key(colleague)
    assert f'data-offline-user="{user_key(clerk)}"' in edit.content.decode()
    assert "data-offline-form" in edit.content.decode()
    # The banner writes when a draft was kept in the portal's zone, not the browser's.
    assert 'data-time-zone="Asia/Ho_Chi_Minh"' in edit.content.decode()
    assert USER_HEADER not in client.get("/figures/2024/14/")  # not an entry form
    refused = client.post("/figures/2024/14/edit/", {"seen_version": "1", "tht_new": "x"})
    assert refused.status_code == 400 and USER_HEADER not in refused  # never kept


def test_the_page_of_another_province_is_not_marked(client, make_staff):
    client.force_login(make_staff("Lào Cai", 2024))
    make_figures("14", 2024)
    response = client.get("/figures/2024/14/edit/")
    assert response.status_code in (403, 404) and USER_HEADER not in response


def test_logging_out_tells_the_browser_to_forget_what_it_kept(client, make_staff):
    client.force_login(make_staff("Sơn La", 2024))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'
    assert client.get(reverse("home")).status_code == 302
