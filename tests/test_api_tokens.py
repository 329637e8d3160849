"""API tokens: stored hashed, shown once, expiring, revocable, made on a page of one's own
or with `manage.py api_token`, seen and revoked by admins in the admin."""

import datetime
import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emulation.api.models import ApiToken
from emulation.api.tokens import api_token_authenticate, api_token_revoke
from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db

PAGE = reverse("api:tokens")


@pytest.fixture
def staff(make_staff):
    return make_staff("Sơn La", 2024)


def test_only_the_hash_and_a_prefix_are_stored(staff):
    raw = token_for(staff)
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and len(token.prefix) < 12
    assert raw not in str(list(ApiToken.objects.values()))


def test_a_token_acts_as_its_user_and_records_its_last_use(client, staff):
    raw = token_for(staff)
    response = client.get(f"{API}/clusters?year=2024", headers=bearer(raw))
    assert [c["cluster"]["slug"] for c in response.json()["items"]] == ["tay-bac"]
    assert ApiToken.objects.get().last_used is not None


def test_expired_revoked_and_inactive_users_tokens_are_refused(staff):
    raw = token_for(staff)
    assert api_token_authenticate(raw) is not None
    ApiToken.objects.update(
        created=timezone.now() - datetime.timedelta(days=2),
        expires=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert api_token_authenticate(raw) is None
    ApiToken.objects.update(expires=timezone.now() + datetime.timedelta(days=1))
    staff.is_active = False
    staff.save()
    assert api_token_authenticate(raw) is None
    assert api_token_authenticate("cpt_" + "x" * 200) is None
    assert api_token_authenticate("not even the prefix") is None


def test_the_token_is_read_in_one_statement_whatever_it_is(staff):
    """The token, its user with the staff profile's ids and the write generation: one
    statement, which gives what the ORM would; a wrong, revoked or expired token or an
    inactive user's costs that one statement too, and nothing is kept between calls."""
    raw = token_for(staff)
    api_token_authenticate(raw)  # last_used: written once a minute
    with CaptureQueriesContext(connection) as found:
        token = api_token_authenticate(raw)
    assert len(found) == 1, [q["sql"] for q in found]
    stored = ApiToken.objects.get()
    for field in ApiToken._meta.concrete_fields:
        assert getattr(token, field.attname) == getattr(stored, field.attname), field.name
    user = get_user_model().objects.get(pk=staff.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(token.user, field.attname) == getattr(user, field.attname), field.name
    profile = user.staff_profile
    assert token.user._profile_ids == (profile.province_id, profile.national)
    unknown = raw[:-1] + ("x" if raw[-1] != "x" else "y")
    refusals = [
        (unknown, lambda: None),
        (raw, lambda: api_token_revoke(token=stored)),
        (
            raw,
            lambda: ApiToken.objects.update(
                revoked_at=None,
                created=timezone.now() - datetime.timedelta(days=2),
                expires=timezone.now() - datetime.timedelta(seconds=1),
            ),
        ),
        (
            raw,
            lambda: (
                ApiToken.objects.update(expires=timezone.now() + datetime.timedelta(days=1)),
                get_user_model().objects.filter(pk=staff.pk).update(is_active=False),
            ),
        ),
    ]
    for sent, refuse in refusals:
        refuse()
        with CaptureQueriesContext(connection) as refused:
            assert api_token_authenticate(sent) is None
        assert len(refused) == 1, [q["sql"] for q in refused]


def test_a_revoked_token_is_refused_from_the_next_request(client, staff):
    raw = token_for(staff)
    url = f"{API}/clusters?year=2024"
    assert [client.get(url, headers=bearer(raw)).status_code for _ in range(2)] == [200, 200]
    api_token_revoke(token=ApiToken.objects.get())
    assert client.get(url, headers=bearer(raw)).status_code == 401


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def form_nonce(client) -> str:
    """The nonce of the form the page draws, as a browser would send it back."""
    return client.get(PAGE).context["form"]["nonce"].value()


def test_a_user_makes_a_token_and_sees_it_once(client, staff):
    client.force_login(staff)
    made = client.post(PAGE, {"name": "Phần mềm Sở", "days": "30", "nonce": form_nonce(client)})
    assert made.status_code == 200
    raw = made.context["new_token"]
    assert raw in made.text
    assert "no-cache" in made["Cache-Control"] or "no-store" in made["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (staff, "Phần mềm Sở")
    assert (token.expires - token.created).days == 30
    listed = client.get(PAGE)
    assert "Phần mềm Sở" in listed.text and token.prefix in listed.text
    assert raw not in listed.text


def test_the_form_sent_twice_makes_one_token_and_shows_it_both_times(client, staff):
    """A double click, or a reload that posts the form again: one token, shown again (to
    the same user, who has not seen the first answer)."""
    client.force_login(staff)
    form = {"name": "Phần mềm Sở", "days": "30", "nonce": form_nonce(client)}
    first, second = client.post(PAGE, form), client.post(PAGE, form)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.context["new_token"] == second.context["new_token"]
    assert ApiToken.objects.count() == 1
    assert api_token_authenticate(second.context["new_token"]) == ApiToken.objects.get()
    another = client.post(PAGE, {**form, "nonce": form_nonce(client)})
    assert another.context["new_token"] != first.context["new_token"]
    assert ApiToken.objects.count() == 2


def test_a_fresh_form_is_drawn_after_a_token_is_made(client, staff):
    client.force_login(staff)
    nonce = form_nonce(client)
    made = client.post(PAGE, {"name": "Phần mềm Sở", "days": "30", "nonce": nonce})
    assert made.context["form"]["nonce"].value() not in ("", None, nonce)
    assert form_nonce(client) != nonce


def test_the_same_form_of_a_revoked_token_makes_nothing_and_says_why(client, staff):
    client.force_login(staff)
    form = {"name": "Phần mềm Sở", "days": "30", "nonce": form_nonce(client)}
    raw = client.post(PAGE, form).context["new_token"]
    client.post(reverse("api:revoke", args=[ApiToken.objects.get().pk]))
    again = client.post(PAGE, form)
    assert again.status_code == 400 and again.context["new_token"] is None
    assert "đã bị thu hồi hoặc đã hết hạn" in again.text and raw not in again.text
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("nonce", [None, "", "ngắn", "x" * 65, "a b" * 10])
def test_a_form_without_its_nonce_makes_nothing(client, staff, nonce):
    client.force_login(staff)
    form = {"name": "Phần mềm Sở", "days": "30"}
    response = client.post(PAGE, form if nonce is None else {**form, "nonce": nonce})
    assert response.status_code == 400
    assert "hãy tải lại trang" in response.text
    assert not ApiToken.objects.exists()


def test_two_users_sending_the_same_nonce_get_two_tokens(client, staff, make_staff):
    nonce = "n" * 32
    other = make_staff("Điện Biên", 2024)
    client.force_login(staff)
    mine = client.post(PAGE, {"name": "A", "days": "30", "nonce": nonce}).context["new_token"]
    client.force_login(other)
    theirs = client.post(PAGE, {"name": "A", "days": "30", "nonce": nonce}).context["new_token"]
    assert mine != theirs
    assert {t.user for t in ApiToken.objects.all()} == {staff, other}


def test_bad_input_is_explained_and_nothing_is_made(client, staff):
    client.force_login(staff)
    response = client.post(PAGE, {"name": "", "days": "9999", "nonce": form_nonce(client)})
    assert response.status_code == 400
    assert "Hãy đặt tên" in response.text and "từ 1 đến 366 ngày" in response.text
    assert not ApiToken.objects.exists()


def test_a_user_revokes_their_own_token_only(client, staff, make_staff):
    mine = token_for(staff, name="của tôi")
    theirs = token_for(make_staff("Điện Biên", 2024), name="của người khác")
    client.force_login(staff)
    other_pk = ApiToken.objects.get(name="của người khác").pk
    assert client.post(reverse("api:revoke", args=[other_pk])).status_code == 404
    assert api_token_authenticate(theirs) is not None
    my_pk = ApiToken.objects.get(name="của tôi").pk
    assert client.get(reverse("api:revoke", args=[my_pk])).status_code == 405
    response = client.post(reverse("api:revoke", args=[my_pk]))
    assert response.status_code == 302
    assert api_token_authenticate(mine) is None
    assert client.get(f"{API}/provinces", headers=bearer(mine)).status_code == 401
    assert "Đã thu hồi" in client.get(PAGE).text
    assert "của người khác" not in client.get(PAGE).text


def test_the_command_prints_a_new_token_once(staff):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", user=staff.username, name="Dòng lệnh", days=7, stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert api_token_authenticate(raw).name == "Dòng lệnh"
    assert "không được hiển thị lần nữa" in err.getvalue()
    assert raw not in err.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user": "khong-co-ai"}, "Không có người dùng"),
        ({"days": 0}, "Thời hạn phải từ 1 đến 366 ngày"),
        ({"days": 1000}, "Thời hạn phải từ 1 đến 366 ngày"),
    ],
)
def test_the_command_refuses_bad_input_and_makes_nothing(staff, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("api_token", **{"user": staff.username, **options}, stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_admins_list_and_revoke_tokens_in_the_admin(client, admin_user, staff):
    raw = token_for(staff, name="Phần mềm Sở")
    changelist = reverse("admin:emulation_apitoken_changelist")
    client.force_login(staff)
    assert client.get(changelist).status_code == 302  # not an admin: sent to the login
    client.force_login(admin_user)
    assert "Phần mềm Sở" in client.get(changelist).text
    response = client.post(
        changelist,
        {"action": "revoke", "_selected_action": [ApiToken.objects.get().pk]},
    )
    assert response.status_code == 302
    assert api_token_authenticate(raw) is None
    assert client.get(reverse("admin:emulation_apitoken_add")).status_code == 403


def test_writes_with_a_token_need_no_csrf_cookie(make_staff):
    from django.test import Client

    raw = token_for(make_staff("Sơn La", 2024))
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{API}/loans/import?dry_run=true",
        data='{"rows": []}',
        content_type="application/json",
        headers=bearer(raw),
    )
    assert response.status_code == 422  # validated, not refused by the CSRF check (403)


@pytest.mark.django_db(transaction=True)
def test_a_double_click_at_the_same_instant_makes_one_token(make_staff):
    """Two requests of the same form at once, each on its own connection (two gunicorn
    workers): the second insert waits for the first and finds its token.

    On PostgreSQL (CI's second run): SQLite's in-memory test database refuses a second
    writer at once instead of waiting as the portal's file database does."""
    import threading

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor == "sqlite":
        pytest.skip("needs concurrent writers: runs in the PostgreSQL pass")
    staff = make_staff("Sơn La", 2024)
    form = {"name": "Phần mềm Sở", "days": "30", "nonce": "d" * 32}
    shown, barrier = [], threading.Barrier(2)

    def click():
        try:
            client = Client()
            client.force_login(staff)
            barrier.wait()
            shown.append(client.post(PAGE, form).context["new_token"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(shown) == 2 and shown[0] == shown[1] is not None
    assert ApiToken.objects.count() == 1
