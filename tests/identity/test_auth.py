"""API authentication classes: bearer tokens and the browser session."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from jaring.audit.context import current_actor
from jaring.audit.models import AuditEvent
from jaring.identity import services
from jaring.identity.auth import BrowserSessionAuth, TokenAuth
from jaring.identity.middleware import SESSION_KEY
from jaring.identity.roles import Role
from tests.factories import make_user


@pytest.fixture
def user(db):
    return make_user(Role.ME_OFFICER, "KH")


def _request(user=None, second_factor=False):
    request = RequestFactory().get("/api/v1/me", REMOTE_ADDR="192.0.2.44")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if second_factor:
        request.session[SESSION_KEY] = True
    return request


def test_token_auth_makes_the_token_user_the_request_user(user):
    issued = services.create_token(user, name="x", scopes=["reference:read"])
    request = _request()
    reset = current_actor.set(current_actor.get())
    try:
        authenticated = TokenAuth().authenticate(request, issued.secret)
        actor = current_actor.get()
    finally:
        current_actor.reset(reset)
    assert authenticated == user
    assert request.user == user
    assert request.user.api_token == issued.token  # the policy narrows by its scopes
    assert (actor.user, actor.ip_address, actor.via) == (user, "192.0.2.44", "api")


def test_token_auth_refuses_an_unknown_token(user):
    request = _request()
    assert TokenAuth().authenticate(request, "jrg_abc_def") is None
    assert not request.user.is_authenticated


def test_the_session_counts_once_the_second_factor_is_done(user):
    auth = BrowserSessionAuth()
    assert auth.authenticate(_request(user), None) == user  # no TOTP: the password suffices
    user.totp_enabled = True
    assert auth.authenticate(_request(user), None) is None
    assert auth.authenticate(_request(user, second_factor=True), None) == user


def test_an_anonymous_session_is_not_authenticated(db):
    assert BrowserSessionAuth().authenticate(_request(), None) is None


def test_an_api_refusal_is_audited_with_the_token_user_and_address(client, db):
    admin = make_user(Role.ADMINISTRATOR, "KH")
    issued = services.create_token(admin, name="x", scopes=["admin"])
    response = client.get("/api/v1/reference/countries", REMOTE_ADDR="192.0.2.45",
                          HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor, event.ip_address, event.via) == (admin, "192.0.2.45", "api")
