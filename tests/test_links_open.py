"""A link is offered only to what its reader may open: every persona follows every
internal link of the pages it can reach from the home page (demo data), and none of them
ends in a 403 or a 404."""

import re
from collections import deque

import pytest
from django.contrib.auth import get_user_model

# A persona's download renders its PDF once per test process (tests/pdf_memo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_memo")]

HREF = re.compile(r'href="(/[^"#?]*)"')
SKIP = ("/admin/", "/accounts/", "/i18n/", "/static/")
# Staff of a member, staff of the province in question, the chair of 2024, an admin,
# national staff (every cluster, approved records).
PERSONAS = ["dienbien", "sonla", "laocai", "caobang", "admin", "vca"]


@pytest.mark.parametrize("username", PERSONAS)
def test_every_link_a_persona_is_offered_opens(client, demo_data, username):
    client.force_login(get_user_model().objects.get(username=username))
    seen, queue, broken = {"/"}, deque(["/"]), []
    while queue and len(seen) < 120:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (403, 404):
            broken.append(f"{url} -> {response.status_code}")
            continue
        assert response.status_code in (200, 302), (url, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(response.content.decode()):
            if link not in seen and not link.startswith(SKIP):
                seen.add(link)
                queue.append(link)
    assert len(seen) > 10
    assert not broken, f"links offered to {username} that do not open:\n" + "\n".join(broken)
