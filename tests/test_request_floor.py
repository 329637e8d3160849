"""What every signed-in request pays, kept per process where the same input always gives
the same output: the Content-Security-Policy headers (cluster_portal/middleware.py's
`PolicyMiddleware`) and the decoded session (cluster_portal/sessions.py)."""

from unittest import mock

import pytest
from csp.middleware import CSPMiddleware
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory

from cluster_portal.middleware import PolicyMiddleware
from cluster_portal.sessions import SessionStore


def headers(middleware_class, response=None, path="/"):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: response or HttpResponse("x"))
    middleware.process_request(request)
    answered = middleware.process_response(request, response or HttpResponse("x"))
    return {
        name: answered.get(name)
        for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
    }


def test_the_kept_policy_is_django_csps():
    assert headers(PolicyMiddleware) == headers(CSPMiddleware)
    assert "default-src 'self'" in headers(PolicyMiddleware)["Content-Security-Policy"]


def test_a_view_that_changes_the_policy_gets_django_csps_way():
    response = HttpResponse("x")
    response._csp_update = {"img-src": ["https://tiles.example"]}
    assert "https://tiles.example" in headers(PolicyMiddleware, response)["Content-Security-Policy"]
    exempt = HttpResponse("x")
    exempt._csp_exempt = True
    assert headers(PolicyMiddleware, exempt)["Content-Security-Policy"] is None


def test_a_changed_setting_is_followed(settings):
    headers(PolicyMiddleware)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert headers(PolicyMiddleware)["Content-Security-Policy"] == "default-src 'none'"
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    assert "img-src 'self'" in headers(PolicyMiddleware)["Content-Security-Policy-Report-Only"]
    assert headers(PolicyMiddleware) == headers(CSPMiddleware)


def test_the_nonce_is_refused_after_the_header_is_written():
    request = RequestFactory().get("/")
    middleware = PolicyMiddleware(lambda request: HttpResponse("x"))
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse("x"))
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)


def test_a_session_is_decoded_once_and_handed_out_as_a_copy():
    store = SessionStore()
    text = store.encode({"_auth_user_id": "7", "_refreshed_at": 1})
    with mock.patch.object(signing, "loads", wraps=signing.loads) as loads:
        first = store.decode(text)
        first["_auth_user_id"] = "8"  # a request changing its own copy
        again = SessionStore().decode(text)
    assert again == {"_auth_user_id": "7", "_refreshed_at": 1}
    assert loads.call_count == 1


def test_a_session_holding_more_than_plain_values_is_decoded_each_time():
    store = SessionStore()
    text = store.encode({"held": ["a", "b"]})
    with mock.patch.object(signing, "loads", wraps=signing.loads) as loads:
        store.decode(text)["held"].append("c")
        assert SessionStore().decode(text) == {"held": ["a", "b"]}
    assert loads.call_count == 2


def test_a_tampered_session_decodes_to_nothing():
    text = SessionStore().encode({"_auth_user_id": "7"})
    assert SessionStore().decode(text[:-3] + "abc") == {}
