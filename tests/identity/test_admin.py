from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from jaring.audit.models import AuditEvent
from jaring.audit.services import verify_chain
from jaring.identity.models import ApiToken, LoginAttempt, Organisation, User
from jaring.identity.roles import Role
from jaring.identity.services import create_token
from tests.factories import TEST_PASSWORD

CHANGELISTS = [
    "/admin/",
    "/admin/identity/organisation/",
    "/admin/identity/user/",
    "/admin/identity/apitoken/",
    "/admin/identity/loginattempt/",
    "/admin/audit/auditevent/",
]


@pytest.fixture
def admin_client(client, user_of, signed_in):
    signed_in(user_of(Role.ADMINISTRATOR, "SG"))
    return client


@pytest.mark.parametrize("path", CHANGELISTS)
def test_administrator_opens_each_changelist(admin_client, path):
    LoginAttempt.objects.create(username="someone", ip_address="192.0.2.1")
    response = admin_client.get(path)
    assert response.status_code == 200, path


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_other_roles_are_kept_out_of_the_admin(client, user_of, signed_in, role):
    signed_in(user_of(role, "SG"))
    for path in CHANGELISTS:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/"), path


def test_user_form_shows_role_but_never_the_totp_secret(admin_client, user_of):
    user = user_of(Role.CASEWORKER, "TH")
    User.objects.filter(pk=user.pk).update(totp_secret="SENSITIVE-CIPHERTEXT", totp_enabled=True)
    html = admin_client.get(f"/admin/identity/user/{user.pk}/change/").content.decode()
    assert 'name="role"' in html
    assert 'name="organisation"' in html
    assert "SENSITIVE-CIPHERTEXT" not in html
    assert "totp_secret" not in html
    assert 'name="is_superuser"' not in html


def test_admin_changes_to_a_user_are_audited(admin_client, user_of):
    user = user_of(Role.VIEWER, "TH")
    response = admin_client.post(f"/admin/identity/user/{user.pk}/change/", {
        "username": user.username, "first_name": "Somchai", "last_name": "", "email": user.email,
        "role": Role.ADMINISTRATOR, "organisation": user.organisation_id, "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.role == Role.ADMINISTRATOR
    assert user.is_staff and user.is_superuser  # the admin flags follow the role
    event = AuditEvent.objects.get(action="admin.change", object_type="identity.user")
    assert event.object_id == str(user.pk)
    assert event.detail == {"fields": ["first_name", "role"]}
    assert "Somchai" not in str(event.detail)
    assert event.country == "TH"
    assert verify_chain().ok


def test_admin_creates_a_user(admin_client):
    organisation = Organisation.objects.get(short_name__startswith="ANTI_S")
    response = admin_client.post("/admin/identity/user/add/", {
        "username": "newanalyst", "password1": "a-sufficiently-long-pass",
        "password2": "a-sufficiently-long-pass", "role": Role.INTEL_ANALYST,
        "organisation": organisation.pk, "usable_password": "true",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newanalyst")
    assert user.check_password("a-sufficiently-long-pass")
    assert user.role == Role.INTEL_ANALYST
    assert not user.is_staff
    assert AuditEvent.objects.filter(action="admin.create", object_id=str(user.pk)).exists()


def test_admin_organisation_writes_are_audited(admin_client):
    response = admin_client.post("/admin/identity/organisation/add/", {
        "name": "Cyber Crime Investigation Bureau", "short_name": "CCIB", "kind": "police",
        "country": "TH", "contact_email": "", "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(short_name="CCIB")
    created = AuditEvent.objects.get(action="admin.create", object_type="identity.organisation")
    assert created.object_id == str(organisation.pk)
    assert created.country == "TH"
    response = admin_client.post(f"/admin/identity/organisation/{organisation.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert AuditEvent.objects.filter(action="admin.delete",
                                     object_id=str(organisation.pk)).exists()
    assert verify_chain().ok


def test_invalid_organisation_is_refused_with_the_reason(admin_client):
    response = admin_client.post("/admin/identity/organisation/add/", {
        "name": "Nowhere", "short_name": "NW", "kind": "police", "country": "",
        "is_active": "on",
    })
    assert response.status_code == 200
    assert not Organisation.objects.filter(short_name="NW").exists()
    assert not AuditEvent.objects.filter(action="admin.create").exists()


def test_admin_revokes_tokens_through_the_service(admin_client, user_of):
    issued = create_token(user_of(Role.INTEL_ANALYST, "TH"), name="feed",
                          scopes=["reference:read"])
    html = admin_client.get(f"/admin/identity/apitoken/{issued.token.pk}/change/").content
    assert issued.token.secret_hash.encode() not in html
    response = admin_client.post("/admin/identity/apitoken/", {
        "action": "revoke", ACTION_CHECKBOX_NAME: [issued.token.pk],
    })
    assert response.status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert AuditEvent.objects.filter(action="token.revoke",
                                     object_id=str(issued.token.pk)).exists()


def test_tokens_cannot_be_added_or_deleted_in_the_admin(admin_client, user_of):
    issued = create_token(user_of(Role.INTEL_ANALYST, "TH"), name="feed",
                          scopes=["reference:read"])
    assert admin_client.get("/admin/identity/apitoken/add/").status_code == 403
    response = admin_client.post(f"/admin/identity/apitoken/{issued.token.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 403
    assert ApiToken.objects.filter(pk=issued.token.pk).exists()


def test_admin_turns_off_a_lost_second_factor(admin_client, user_of):
    user = user_of(Role.CASEWORKER, "TH")
    User.objects.filter(pk=user.pk).update(totp_secret="x", totp_enabled=True)
    admin_client.post("/admin/identity/user/", {
        "action": "turn_off_second_factor", ACTION_CHECKBOX_NAME: [user.pk],
    })
    user.refresh_from_db()
    assert not user.totp_enabled
    assert AuditEvent.objects.filter(action="user.totp_disabled").exists()
    # The user can now sign in with the password alone.
    admin_client.post("/account/logout")
    admin_client.post("/account/login", {"username": user.username, "password": TEST_PASSWORD})
    assert admin_client.get("/").status_code == 200


def test_audit_log_is_read_only_in_the_admin(admin_client):
    event = AuditEvent.objects.order_by("seq").first()
    assert event is not None  # signing in wrote events
    base = "/admin/audit/auditevent/"
    assert admin_client.get(f"{base}add/").status_code == 403
    view = admin_client.get(f"{base}{event.pk}/change/")
    assert view.status_code == 200
    assert 'name="action"' not in view.content.decode()
    assert admin_client.post(f"{base}{event.pk}/change/", {"action": "forged"}).status_code == 403
    assert admin_client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = admin_client.get(base).content.decode()
    assert "delete_selected" not in changelist
    event.refresh_from_db()
    assert event.action != "forged"
    assert verify_chain().ok


def test_login_attempts_are_read_only_in_the_admin(admin_client):
    attempt = LoginAttempt.objects.create(username="someone")
    base = "/admin/identity/loginattempt/"
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LoginAttempt.objects.filter(pk=attempt.pk).exists()
