"""API authentication: a bearer token for national systems, or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from jaring.audit.context import Actor, client_ip, current_actor
from jaring.identity.middleware import SESSION_KEY
from jaring.identity.services import resolve_token


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = resolve_token(token)
        if api_token is None:
            return None
        user = api_token.user
        # The policy narrows a token-authenticated user to the token's scopes.
        user.api_token = api_token  # type: ignore[attr-defined]
        request.user = user
        current_actor.set(Actor(user=user, ip_address=client_ip(request), via="api"))
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session (CSRF-checked by Ninja), second factor included."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and user.totp_enabled and not request.session.get(SESSION_KEY):
            return None
        return user


api_auth = [TokenAuth(), BrowserSessionAuth()]
