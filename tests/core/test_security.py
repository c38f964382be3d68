from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from jaring.identity.models import ApiToken
from jaring.identity.roles import Role
from tests.core.htmlcheck import assert_no_inline_code
from tests.factories import TEST_PASSWORD


def test_sign_in_form_is_refused_without_csrf_token(user_of):
    user = user_of(Role.VIEWER, "SG")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/login", {"username": user.username,
                                              "password": TEST_PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert_no_inline_code(html)
    assert "_auth_user_id" not in client.session


def test_sign_in_form_works_with_its_csrf_token(user_of):
    user = user_of(Role.VIEWER, "SG")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/account/login")
    token = page.context["csrf_token"]
    response = client.post("/account/login", {"username": user.username,
                                              "password": TEST_PASSWORD,
                                              "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302


def test_signed_in_forms_are_csrf_checked(user_of):
    user = user_of(Role.VIEWER, "SG")
    client = Client(enforce_csrf_checks=True)
    token = str(client.get("/account/login").context["csrf_token"])
    client.post("/account/login", {"username": user.username, "password": TEST_PASSWORD,
                                   "csrfmiddlewaretoken": token})
    # Signing in rotates the token; a form posted without it changes nothing.
    response = client.post("/account/tokens", {"name": "feed", "scopes": ["reference:read"],
                                               "days": 30})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    response = client.post("/account/logout")
    assert response.status_code == 403
    assert client.get("/").status_code == 200
    # htmx sends the token from <meta name="csrf-token"> as a header instead.
    page = client.get("/").content.decode()
    meta_token = page.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = client.post("/account/tokens", {"name": "feed", "scopes": ["reference:read"],
                                               "days": 30}, headers={"X-CSRFToken": meta_token})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=user).count() == 1


def test_session_and_csrf_cookies_are_http_only_and_same_site(user_of, signed_in, client):
    signed_in(user_of(Role.VIEWER, "SG"))
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    client.get("/account/tokens")
    csrf_cookie = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["httponly"]
    assert csrf_cookie["samesite"] == "Lax"


def test_cookies_are_secure_when_configured(user_of, signed_in, client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    signed_in(user_of(Role.VIEWER, "SG"))
    assert client.cookies[settings.SESSION_COOKIE_NAME]["secure"]
    client.get("/account/tokens")
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]


def _settings_under(environment: dict[str, str]) -> dict:
    """Import jaring.settings in a fresh interpreter with only these variables set."""
    script = (
        "import json, jaring.settings as s; print(json.dumps({'session': s.SESSION_COOKIE_SECURE,"
        " 'csrf': s.CSRF_COOKIE_SECURE, 'debug': s.DEBUG}))"
    )
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
            "JARING_DATA_DIR": scratch,
            **environment,
        }
        result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                                text=True, timeout=60, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("environment", "secure"),
    [
        ({}, True),
        ({"JARING_DEBUG": "false"}, True),
        ({"JARING_DEBUG": "true"}, False),
        ({"JARING_DEBUG": "true", "JARING_SECURE_COOKIES": "true"}, True),
        ({"JARING_SECURE_COOKIES": "false"}, False),
    ],
)
def test_cookies_are_secure_outside_debug(environment, secure):
    derived = _settings_under(environment)
    assert derived["session"] is secure
    assert derived["csrf"] is secure
