"""The API's documentation, and how it answers what it cannot serve."""

from __future__ import annotations

import json
import re

from django.core.exceptions import ValidationError
from django.test import RequestFactory
from ninja.errors import ValidationError as RequestValidationError

from jaring.api import api


def test_the_docs_page_renders_from_local_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    # No CDN: the page must work on an air-gapped national network and under our CSP.
    assert all(source.startswith("/") for source in sources), sources
    assert "/api/v1/openapi.json" in page


def test_the_schema_describes_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Jaring API"
    assert {"TokenAuth", "BrowserSessionAuth"} <= set(schema["components"]["securitySchemes"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), f"{where} has no summary"
            assert operation.get("security"), f"{where} is not authenticated"
            statuses = set(operation["responses"])
            assert any(status.startswith("2") for status in statuses), where
            assert {"400", "401", "403", "404"} <= statuses, where


def test_an_unknown_api_route_is_a_json_404(client, db):
    for path in ("/api/v1/no-such-route", "/api/v1/reference/nothing/here"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_is_a_404(client, db):
    assert client.get("/no-such-page").status_code == 404


def test_an_unknown_record_is_a_json_404(client, admin_bearer):
    response = client.get("/api/v1/reference/code-lists/no-such-list",
                          HTTP_AUTHORIZATION=admin_bearer["Authorization"])
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_wrong_method_is_405(client, admin_bearer):
    response = client.post("/api/v1/me", HTTP_AUTHORIZATION=admin_bearer["Authorization"])
    assert response.status_code == 405


def test_malformed_parameters_are_400_naming_each_field():
    # No operation takes a typed parameter yet, so the handler is exercised directly
    # with the error Ninja raises; Schemathesis's negative cases cover it end to end.
    request = RequestFactory().get("/api/v1/reference/rates?year=soon")
    error = RequestValidationError([
        {"loc": ("query", "year"), "msg": "Input should be a valid integer", "type": "int"},
        {"loc": ("body", "items", 2, "code"), "msg": "Field required", "type": "missing"},
    ])
    response = api.on_exception(request, error)
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": [
        {"loc": ["query", "year"], "msg": "Input should be a valid integer"},
        {"loc": ["body", "items", 2, "code"], "msg": "Field required"},
    ]}


def test_a_service_validation_error_is_400_naming_each_field():
    request = RequestFactory().post("/api/v1/anything")
    error = ValidationError({"days": "a token lives between 1 and 366 days",
                             "scopes": "unknown scope(s): x"})
    response = api.on_exception(request, error)
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": [
        {"loc": ["days"], "msg": "a token lives between 1 and 366 days"},
        {"loc": ["scopes"], "msg": "unknown scope(s): x"},
    ]}
    plain = api.on_exception(request, ValidationError("no good"))
    assert json.loads(plain.content) == {"detail": [{"loc": ["__all__"], "msg": "no good"}]}


def test_a_parameter_given_twice_is_400_naming_it(client, admin_bearer):
    response = client.get("/api/v1/reference/rates?currency=THB&currency=SGD",
                          HTTP_AUTHORIZATION=admin_bearer["Authorization"])
    assert response.status_code == 400
    assert response.json() == {"detail": [
        {"loc": ["query", "currency"], "msg": "give this parameter once"},
    ]}
    once = client.get("/api/v1/reference/rates?currency=THB",
                      HTTP_AUTHORIZATION=admin_bearer["Authorization"])
    assert once.status_code == 200


def test_pages_past_the_furthest_offset_are_refused_not_a_server_error(client, db):
    # Found by Schemathesis: an offset past SQLite's integers made the list fail.
    from jaring.core.http import MAX_OFFSET
    from jaring.identity.roles import Role
    from tests.factories import make_bearer

    analyst = make_bearer(Role.INTEL_ANALYST, ["intel:read"])
    for path, headers in (("/api/v1/intel/reports", analyst),
                          ("/api/v1/intel/campaigns", analyst),
                          ("/api/v1/care/cases", make_bearer(Role.CASEWORKER, ["care:read"])),
                          ("/api/v1/merl/values", make_bearer(Role.ME_OFFICER, ["merl:read"]))):
        too_far = client.get(path, {"offset": str(10 ** 30)}, headers=headers)
        assert too_far.status_code == 400, path
        assert "offset" in too_far.content.decode(), path
        furthest = client.get(path, {"offset": str(MAX_OFFSET)}, headers=headers)
        assert (furthest.status_code, furthest.json()) == (200, []), path
    alerts = client.get("/api/v1/intel/alerts", {"after": str(10 ** 30)}, headers=analyst)
    assert alerts.status_code == 200 and alerts.json()["alerts"] == []
