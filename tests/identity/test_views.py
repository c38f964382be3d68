from __future__ import annotations

import re

import pyotp
import pytest
from django.conf import settings
from django.utils import timezone

from jaring.audit.models import AuditEvent
from jaring.identity.middleware import SESSION_KEY
from jaring.identity.models import ApiToken, LoginAttempt
from jaring.identity.roles import Role
from jaring.identity.services import create_token, resolve_token
from tests.core.htmlcheck import assert_no_inline_code
from tests.factories import TEST_PASSWORD


def _sign_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post("/account/login", {"username": username, "password": password, **extra})


def test_sign_in_page_renders(client):
    response = client.get("/account/login")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Sign out" not in html
    assert_no_inline_code(html)


def test_sign_in_and_out_through_the_form(client, user_of):
    user = user_of(Role.INTEL_ANALYST, "TH")
    response = _sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SESSION_KEY] is True
    home = client.get("/").content.decode()
    assert "Sign out" in home
    assert f"{user.username} · TH" in home
    assert LoginAttempt.objects.filter(username=user.username, succeeded=True).count() == 1

    response = client.post("/account/logout")
    assert response.status_code == 302
    assert response["Location"] == "/account/login"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post(client, user_of):
    _sign_in(client, user_of(Role.VIEWER, "SG").username)
    assert client.get("/account/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_sign_in_follows_a_local_next_only(client, user_of):
    user = user_of(Role.VIEWER, "SG")
    response = _sign_in(client, user.username, next="/organisations/")
    assert response["Location"] == "/organisations/"
    client.post("/account/logout")
    response = _sign_in(client, user.username, next="https://evil.example/")
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(client, user_of):
    user = user_of(Role.VIEWER, "SG")
    response = _sign_in(client, user.username, "not-the-password")
    html = response.content.decode()
    assert response.status_code == 400
    assert "The username or password is not right." in html
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.failed").count() == 1
    assert_no_inline_code(html)


def test_empty_form_names_the_missing_fields(client, db):
    response = client.post("/account/login", {"username": "", "password": ""})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2


def test_inactive_user_cannot_sign_in(client, user_of):
    user = user_of(Role.VIEWER, "SG", is_active=False)
    assert _sign_in(client, user.username).status_code == 400


def test_sign_in_is_throttled_after_repeated_failures(client, user_of):
    user = user_of(Role.VIEWER, "SG")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert _sign_in(client, user.username, "wrong-password-x").status_code == 400
    # Even the right password is refused while the account is throttled.
    response = _sign_in(client, user.username)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.throttled").exists()


def test_throttling_ends_after_the_lockout(client, user_of):
    user = user_of(Role.VIEWER, "SG")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _sign_in(client, user.username, "wrong-password-x")
    LoginAttempt.objects.update(
        at=timezone.now() - timezone.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    )
    assert _sign_in(client, user.username).status_code == 302


def _secret_on_page(html: str) -> str:
    match = re.search(r'<p class="secret"><code class="wrap">([A-Z2-7]+)</code></p>', html)
    assert match, "no TOTP key on the setup page"
    return match.group(1)


def _previous_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(timezone.now()) - 1)


@pytest.fixture
def totp_user(client, user_of):
    """A user who has turned two-step sign-in on through the page, then signed out."""
    user = user_of(Role.CASEWORKER, "PH")
    _sign_in(client, user.username)
    page = client.get("/account/second-factor")
    assert_no_inline_code(page.content.decode())
    secret = _secret_on_page(page.content.decode())
    assert "otpauth://totp/Jaring:" in page.content.decode()
    # The previous step's code is still accepted, and keeps the current one free for sign-in.
    response = client.post("/account/second-factor", {"code": _previous_code(secret)})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.totp_enabled
    assert secret not in user.totp_secret  # stored encrypted
    assert "Two-step sign-in is on." in client.get("/account/second-factor").content.decode()
    client.post("/account/logout")
    return user, secret


def test_wrong_code_does_not_enable_totp(client, user_of):
    user = user_of(Role.VIEWER, "SG")
    _sign_in(client, user.username)
    client.get("/account/second-factor")
    response = client.post("/account/second-factor", {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    user.refresh_from_db()
    assert not user.totp_enabled


def test_sign_in_with_totp_requires_the_code(client, totp_user):
    user, secret = totp_user
    response = _sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/verify")
    # Password alone reaches nothing but the code page.
    for path in ("/", "/organisations/", "/account/tokens"):
        held = client.get(path)
        assert held.status_code == 302
        assert held["Location"].startswith("/account/verify")
    page = client.get("/account/verify")
    assert page.status_code == 200
    assert_no_inline_code(page.content.decode())

    wrong = client.post("/account/verify", {"code": "123456", "next": "/"})
    assert wrong.status_code == 400
    assert "That code is not valid" in wrong.content.decode()

    code = pyotp.TOTP(secret).now()
    response = client.post("/account/verify", {"code": code, "next": "/organisations/"})
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert client.get("/").status_code == 200

    # The same code is never accepted twice, even in a new session.
    client.post("/account/logout")
    _sign_in(client, user.username)
    reused = client.post("/account/verify", {"code": code, "next": "/"})
    assert reused.status_code == 400
    assert client.get("/").status_code == 302


def test_turning_totp_off(client, totp_user):
    user, secret = totp_user
    _sign_in(client, user.username)
    client.post("/account/verify", {"code": pyotp.TOTP(secret).now()})
    response = client.post("/account/second-factor", {"action": "disable"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.totp_enabled
    assert user.totp_secret == ""


def test_verify_page_without_a_session_goes_to_sign_in(client, db):
    response = client.get("/account/verify")
    assert response.status_code == 302
    assert response["Location"] == "/account/login"


def test_tokens_page_creates_a_token_shown_once(client, user_of):
    user = user_of(Role.INTEL_ANALYST, "TH")
    _sign_in(client, user.username)
    page = client.get("/account/tokens")
    assert "No tokens yet." in page.content.decode()
    assert_no_inline_code(page.content.decode())
    response = client.post("/account/tokens", {"name": "TH feed", "scopes": ["reference:read"],
                                               "days": 30})
    html = response.content.decode()
    assert response.status_code == 200
    secret = re.search(r'<code class="wrap" id="new-token">([^<]+)</code>', html).group(1)
    token = ApiToken.objects.get(user=user)
    assert resolve_token(secret) == token
    assert token.secret_hash != secret
    # The random part may itself hold underscores (URL-safe base64).
    assert secret.split("_", 2)[2] not in token.secret_hash
    assert_no_inline_code(html)
    again = client.get("/account/tokens").content.decode()
    assert "TH feed" in again
    assert secret not in again


def test_token_form_names_the_bad_field(client, user_of):
    _sign_in(client, user_of(Role.INTEL_ANALYST, "TH").username)
    response = client.post("/account/tokens", {"name": "x", "scopes": ["admin"], "days": 30})
    assert response.status_code == 400
    assert "only administrators may hold the admin scope" in response.content.decode()
    response = client.post("/account/tokens", {"name": "x", "scopes": ["reference:read"],
                                               "days": 999})
    assert response.status_code == 400
    assert "less than or equal to 366" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_one_own_token(client, user_of):
    user = user_of(Role.INTEL_ANALYST, "TH")
    issued = create_token(user, name="old feed", scopes=["reference:read"])
    _sign_in(client, user.username)
    response = client.post(f"/account/tokens/{issued.token.pk}/revoke")
    assert response.status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert resolve_token(issued.secret) is None
    page = client.get("/account/tokens").content.decode()
    assert "is revoked" in page
    assert "Revoked" in page


def test_someone_elses_token_is_not_found(client, user_of):
    owner = user_of(Role.INTEL_ANALYST, "TH")
    issued = create_token(owner, name="their feed", scopes=["reference:read"])
    _sign_in(client, user_of(Role.INTEL_ANALYST, "TH").username)
    response = client.post(f"/account/tokens/{issued.token.pk}/revoke")
    assert response.status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    assert AuditEvent.objects.filter(action="access.denied").exists()
    assert client.post("/account/tokens/999999/revoke").status_code == 404
