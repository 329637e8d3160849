"""The OpenAPI schema is valid, public, and documents every endpoint with its security."""

import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_schema_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["info"]["version"] == "1"
    paths = set(schema["paths"])
    assert {
        "/api/v1/provinces",
        "/api/v1/clusters",
        "/api/v1/clusters/{slug}/{year}",
        "/api/v1/clusters/{slug}/{year}/figures",
        "/api/v1/clusters/{slug}/{year}/figures.csv",
        "/api/v1/clusters/{slug}/{year}/report",
        "/api/v1/figures/{year}/{code}",
        "/api/v1/figures/{year}/{code}/submit",
        "/api/v1/loans/{year}/{code}",
        "/api/v1/loans/import",
    } <= paths
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert operation["security"] == [{"TokenAuth": []}]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    values = schema["components"]["schemas"]["FiguresValues"]["properties"]
    assert len(values) == 19 and values["tht_new"]["type"] == "integer"


def test_the_docs_page_loads_only_vendored_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/api/docs.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "<script>" not in html  # no inline script: the CSP would refuse it


def test_the_disbursement_endpoints_keep_their_published_names(client):
    """The code says "disbursement"; the API published "loans": its paths, operation ids
    (short since issue 25), component names and JSON fields stay, since clients generate
    code from them."""
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        (path, method): operation["operationId"]
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert operations[("/api/v1/loans/{year}/{code}", "get")] == "loans"
    assert operations[("/api/v1/loans/import", "post")] == "loans_import"
    components = schema["components"]["schemas"]
    assert {"LoanOut", "LoansOut", "LoanIn", "LoansImport", "LoansImportResult"} <= set(components)
    assert "loans" in components["LoansOut"]["properties"]
    assert {"loans_all_funds", "loans_htx_dev"} <= set(components["ReportTotalsOut"]["properties"])


# Short operation ids (issue 25: a generated client names its functions after them):
# the function's name, without "_api".
OPERATION_IDS = {
    ("get", "/api/v1/provinces"): "provinces",
    ("get", "/api/v1/clusters"): "clusters",
    ("get", "/api/v1/clusters/{slug}/{year}"): "cluster_year",
    ("get", "/api/v1/clusters/{slug}/{year}/report"): "report_totals",
    ("get", "/api/v1/clusters/{slug}/{year}/figures"): "cluster_figures",
    ("get", "/api/v1/clusters/{slug}/{year}/figures.csv"): "cluster_figures_csv",
    ("get", "/api/v1/figures/{year}/{code}"): "figures_detail",
    ("put", "/api/v1/figures/{year}/{code}"): "figures_write",
    ("post", "/api/v1/figures/{year}/{code}/submit"): "figures_submit",
    ("post", "/api/v1/figures/{year}/{code}/approve"): "figures_approve",
    ("post", "/api/v1/figures/{year}/{code}/return"): "figures_return",
    ("get", "/api/v1/loans/{year}/{code}"): "loans",
    ("post", "/api/v1/loans/import"): "loans_import",
    ("get", "/api/v1/loans"): "loans_page",
    ("get", "/api/v1/loans/{pk}"): "loan_detail",
    ("put", "/api/v1/loans/{pk}"): "loan_replace",
    ("patch", "/api/v1/loans/{pk}"): "loan_update",
    ("delete", "/api/v1/loans/{pk}"): "loan_delete",
    ("get", "/api/v1/me"): "me",
    ("get", "/api/v1/clusters/{slug}/{year}/scores"): "scores",
    ("get", "/api/v1/clusters/{slug}/{year}/nominations"): "nominations_list",
    ("post", "/api/v1/clusters/{slug}/{year}/nominations"): "nomination_propose",
    ("post", "/api/v1/nominations/{pk}/vote"): "nomination_vote",
    ("post", "/api/v1/nominations/{pk}/endorse"): "nomination_endorse",
    ("get", "/api/v1/years/{year}/national"): "national",
    ("get", "/api/v1/awards/{year}/{code}"): "register_list",
    ("post", "/api/v1/awards/{year}/{code}"): "register_add",
    ("get", "/api/v1/years/{year}/reviews"): "reviews_list",
    ("get", "/api/v1/years/{year}/reviews/{slug}"): "review_detail",
    ("post", "/api/v1/years/{year}/reviews/{slug}/take"): "review_take",
    ("post", "/api/v1/years/{year}/reviews/{slug}/return"): "review_return",
    ("post", "/api/v1/years/{year}/reviews/{slug}/accept"): "review_accept",
    ("post", "/api/v1/clusters/{slug}/{year}/dossier/send"): "dossier_send",
    ("get", "/api/v1/years/{year}/decisions"): "decisions_list",
    ("post", "/api/v1/years/{year}/decisions"): "decision_record",
}
VIETNAMESE = re.compile("[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]")


def test_every_operation_is_summarised_and_described_in_vietnamese(client):
    """The docs read "Gửi số liệu năm cho cụm trưởng", not django-ninja's name made from
    the function ("Figures Submit Api"), and the operation ids stay as published."""
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        (method, path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert {key: op["operationId"] for key, op in operations.items()} == OPERATION_IDS
    summaries = [op["summary"] for op in operations.values()]
    assert len(set(summaries)) == len(summaries)
    for (method, path), operation in operations.items():
        generated = operation["operationId"].replace("_", " ").title()
        assert operation["summary"] != generated, (method, path)
        assert VIETNAMESE.search(operation["summary"]), (method, path, operation["summary"])
        assert VIETNAMESE.search(operation["description"]), (method, path)
    parameters = [
        parameter
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if "description" in parameter
    ]
    assert parameters and all(VIETNAMESE.search(p["description"]) for p in parameters)
