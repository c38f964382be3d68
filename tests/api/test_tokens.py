"""Bearer tokens and browser sessions on the JSON API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.audit.models import AuditEvent
from jaring.identity import services
from jaring.identity.middleware import SESSION_KEY
from jaring.identity.models import ApiToken
from jaring.identity.roles import Role
from tests.factories import make_user


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def analyst(db):
    return make_user(Role.INTEL_ANALYST, "TH")


@pytest.fixture
def issued(analyst):
    return services.create_token(analyst, name="national system", scopes=["reference:read"])


def test_a_valid_token_calls_the_api_as_its_user(client, issued):
    response = client.get("/api/v1/me", **_bearer(issued.secret))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == issued.token.user.username
    assert body["country"] == "TH"
    assert body["token_scopes"] == ["reference:read"]
    # The token narrows the user: admin-scoped permissions are not listed.
    assert "identity.token.own" not in body["permissions"]
    assert "reference.view" in body["permissions"]


@pytest.mark.parametrize("change", ["expired", "revoked", "inactive user"])
def test_an_unusable_token_is_refused(client, issued, change):
    token = issued.token
    if change == "expired":
        token.expires_at = timezone.now() - timedelta(seconds=1)
        token.save()
    elif change == "revoked":
        services.revoke_token(token)
    else:
        token.user.is_active = False
        token.user.save()
    response = client.get("/api/v1/me", **_bearer(issued.secret))
    assert response.status_code == 401
    assert "bearer token" in response.json()["detail"]


@pytest.mark.parametrize("mangle", [
    lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # wrong secret, right key id
    lambda s: s.replace("jrg_", "xyz_", 1),
    lambda s: s.split("_")[0],
    lambda s: "jrg_000000000000_" + s.split("_", 2)[2],  # unknown key id
    lambda s: "",
    lambda s: "not a token at all",
])
def test_a_malformed_or_wrong_token_is_refused(client, issued, mangle):
    response = client.get("/api/v1/me", **_bearer(mangle(issued.secret)))
    assert response.status_code == 401


def test_other_authorization_schemes_are_refused(client, issued):
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Basic {issued.secret}").status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_a_token_without_the_operations_scope_is_forbidden_and_audited(client, db):
    admin = make_user(Role.ADMINISTRATOR, "SG")
    issued = services.create_token(admin, name="admin only", scopes=["admin"])
    response = client.get("/api/v1/reference/countries", **_bearer(issued.secret))
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission."}
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == admin
    assert event.via == "api"
    assert event.detail == {"permission": "reference.view"}
    # The same administrator's session holds every permission: the token narrowed it.
    client.force_login(admin)
    assert client.get("/api/v1/reference/countries").status_code == 200


def test_last_used_at_is_kept_coarsely(client, issued):
    token = issued.token
    assert token.last_used_at is None
    client.get("/api/v1/me", **_bearer(issued.secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me", **_bearer(issued.secret))
    token.refresh_from_db()
    assert token.last_used_at == first  # within five minutes: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=6))
    client.get("/api/v1/me", **_bearer(issued.secret))
    token.refresh_from_db()
    assert token.last_used_at >= first


def test_a_browser_session_can_read_the_api(client, analyst):
    client.force_login(analyst)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["token_scopes"] is None
    assert client.get("/api/v1/reference/countries").status_code == 200


def test_a_session_still_at_the_second_factor_cannot_use_the_api(client, analyst):
    analyst.totp_enabled = True
    analyst.save()
    client.force_login(analyst)
    assert client.get("/api/v1/me").status_code == 401
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    assert client.get("/api/v1/me").status_code == 200


def test_a_token_wins_over_the_session(issued, db):
    admin = make_user(Role.ADMINISTRATOR, "SG")
    client = Client()
    client.force_login(admin)
    body = client.get("/api/v1/me", **_bearer(issued.secret)).json()
    assert body["username"] == issued.token.user.username


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.text(max_size=80) | st.from_regex(r"jrg_[0-9a-f]{12}_[A-Za-z0-9_\-]{0,50}",
                                                     fullmatch=True))
def test_garbage_bearer_strings_never_authenticate(issued, garbage):
    assert garbage != issued.secret
    assert services.resolve_token(garbage) is None


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                    min_size=1, max_size=60))
def test_the_right_key_id_with_another_secret_never_authenticates(issued, tail):
    key_id = issued.token.key_id
    secret = issued.secret.split("_", 2)[2]
    if tail == secret:
        return
    assert services.resolve_token(f"jrg_{key_id}_{tail}") is None
