"""Requests refused before any view runs (a NUL character anywhere, an unreadable body, a
forged Host header) get a 400 that says why, in JSON under /api/."""

import json

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_query_string_with_nul_is_refused_on_the_api(client):
    response = client.get("/api/v1/reference/rates", {"currency": "SGD\x00"})
    assert response.status_code == 400
    assert response.json() == {"detail": "query parameter 'currency' contains a NUL character"}


def test_json_body_with_nul_is_refused(client):
    user = make_user("intel_analyst", "SG")
    client.force_login(user)
    body = {"reference": "A", "indicators": [{"kind": "phone", "value": "1\u00002"}]}
    response = client.post("/api/v1/intel/reports", json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "field 'indicators[0].value' contains a NUL character")


def test_form_field_with_nul_is_refused(client):
    response = client.post("/account/login", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert b"form field 'username' contains a NUL character" in response.content


def test_unreadable_form_body_gets_a_400_in_the_api_s_own_form(client):
    # Found by Schemathesis: a multipart type without its boundary made Django answer
    # with an HTML page, which the API does not document.
    response = client.post("/api/v1/merl/values", b"x=1", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json() == {"detail": "the request body cannot be read as form data"}
    response = client.post("/account/login", b"x=1", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_a_refused_host_gets_a_400_in_the_api_s_own_form(client):
    # Found by Schemathesis: Django refuses a malformed Host header before any view
    # runs, and its default answer is an HTML page.
    response = client.get("/api/v1/reference/rates", HTTP_HOST="mVvMW`LbBZ>!3")
    assert response.status_code == 400
    assert response.json() == {"detail": "bad request"}
    response = client.get("/account/login", HTTP_HOST="mVvMW`LbBZ>!3")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_ordinary_requests_pass(client):
    assert client.get("/api/v1/reference/rates", {"currency": "SGD"}).status_code != 400
