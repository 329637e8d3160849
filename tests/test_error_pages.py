"""The error pages a user meets in production are the portal's, in Vietnamese: a missing
page (404) in the portal's layout, a bad request (400) and a server error (500) on a page
that needs no request, no database and no context processor (Django renders those two
without a request). The API keeps its problem+json answers."""

import pytest
from django.test import RequestFactory, override_settings
from django.views import defaults

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_missing_page_is_the_portals_own_404(client, admin_user):
    anonymous = client.get("/khong-co-trang-nay/")
    assert anonymous.status_code == 404
    assert "Không tìm thấy trang này" in anonymous.text and "Not Found" not in anonymous.text
    assert "css/portal.css" in anonymous.text

    # A view's own 404 (a cluster-year with no dossier review) shows the same page.
    client.force_login(admin_user)
    missing = client.get("/national/2023/reviews/khong-co-cum/")
    assert missing.status_code == 404
    assert 'data-testid="not-found"' in missing.text


@override_settings(DEBUG=False)
def test_the_api_still_answers_its_404_as_a_problem(client):
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("view", "status", "text"),
    [
        (defaults.server_error, 500, "Cổng gặp lỗi khi xử lý yêu cầu này"),
        (lambda request: defaults.bad_request(request, ValueError()), 400, "không đọc được"),
    ],
)
def test_the_400_and_500_pages_need_no_request_and_no_database(
    django_assert_num_queries, view, status, text
):
    with django_assert_num_queries(0):
        response = view(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == status
    assert text in page and "Server Error" not in page and "Bad Request" not in page
    assert "css/portal.css" in page and 'lang="vi"' in page
