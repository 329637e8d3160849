"""The API's interactive documentation works in Chromium under the site's CSP: Swagger UI
comes from static/vendor (no CDN), starts from a script file, and lists the endpoints."""

import pytest

pytestmark = pytest.mark.browser


def test_the_docs_page_renders_the_endpoints_under_the_csp(live_server, page, screenshot):
    problems, outside = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    response = page.goto(f"{live_server.url}/api/v1/docs")
    csp = response.headers["content-security-policy"]
    assert (
        "script-src 'self';" in csp + ";"
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert "Cụm thi đua" in page.inner_text(".swagger-ui .info .title")
    assert (
        page.locator(".opblock-summary-path", has_text="/api/v1/figures/{year}/{code}").count() >= 1
    )
    # Summaries in Vietnamese, not django-ninja's "Figures Submit Api".
    summary = page.locator(
        ".opblock-summary-description", has_text="Gửi số liệu năm cho cụm trưởng"
    )
    assert summary.count() == 1
    assert page.locator(".opblock-summary-description", has_text="Figures Submit Api").count() == 0
    screenshot("api-docs")
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
    assert problems == []
    assert outside == []
