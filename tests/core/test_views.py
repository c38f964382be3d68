from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.utils.html import escape
from django.views import defaults

from jaring.core.middleware import CONTENT_SECURITY_POLICY
from jaring.core.navigation import NAV_ITEMS, items_for
from jaring.core.views import ROLE_INTRODUCTIONS
from jaring.identity import policy
from jaring.identity.roles import Role
from tests.core.htmlcheck import assert_no_inline_code, inspect
from tests.factories import OrganisationFactory, RegionalOrganisationFactory


def _nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "no main navigation"
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))


@pytest.mark.parametrize("role", Role.values)
def test_home_page_matches_the_role(role, user_of, signed_in):
    user = user_of(role, "TH")
    response = signed_in(user).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert escape(ROLE_INTRODUCTIONS[role]) in html
    assert escape(Role(role).label) in html
    assert "Thailand (TH)" in html
    assert escape(user.organisation.name) in html
    assert_no_inline_code(html)


def _expected_nav(user) -> list[str]:
    return [item.label for item in NAV_ITEMS if policy.allowed(user, item.permission)]


@pytest.mark.parametrize("role", Role.values)
def test_navigation_follows_the_policy(role, user_of, signed_in):
    user = user_of(role, "TH")
    html = signed_in(user).get("/").content.decode()
    assert _nav_labels(html) == _expected_nav(user)
    assert _nav_labels(html)[:1] == ["Home"]
    for permission in policy.permissions_for(user):
        assert escape(policy.PERMISSIONS[permission].description) in html


def test_administrator_sees_administration_and_viewer_does_not(user_of, signed_in, client):
    admin_html = signed_in(user_of(Role.ADMINISTRATOR, "SG")).get("/").content.decode()
    assert "Administration" in _nav_labels(admin_html)
    assert "Read the audit log" in admin_html
    client.post("/account/logout")
    viewer_html = signed_in(user_of(Role.VIEWER, "SG")).get("/").content.decode()
    assert "Administration" not in _nav_labels(viewer_html)
    assert {"Home", "Organisations", "API tokens"} <= set(_nav_labels(viewer_html))
    assert "Read the audit log" not in viewer_html
    assert "/admin/" not in viewer_html


def test_regional_user_is_shown_as_regional(user_of, signed_in):
    html = signed_in(user_of(Role.VIEWER, None)).get("/").content.decode()
    assert "Regional: every member state" in html
    assert "ASEAN Secretariat" in html


def test_current_page_is_marked_in_the_navigation(user_of, signed_in):
    html = signed_in(user_of(Role.VIEWER, "SG")).get("/organisations/").content.decode()
    assert '<a href="/organisations/" aria-current="page">Organisations</a>' in html


def test_anonymous_home_redirects_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login?next=/")


def test_organisations_page_lists_active_organisations(user_of, signed_in):
    OrganisationFactory(country_id="MY", short_name="PDRM", name="Royal Malaysia Police",
                        kind="police", contact_email="ccid@example.org")
    OrganisationFactory(country_id="MY", short_name="OLD", name="Closed Unit", is_active=False)
    RegionalOrganisationFactory()
    html = signed_in(user_of(Role.VIEWER, "SG")).get("/organisations/").content.decode()
    assert "Royal Malaysia Police" in html
    assert "Malaysia" in html
    assert "mailto:ccid@example.org" in html
    assert "ASEAN Secretariat" in html
    assert "Closed Unit" not in html
    assert '<div class="table-wrap">' in html
    assert_no_inline_code(html)


def test_every_page_has_the_security_headers(client, user_of, signed_in):
    responses = [client.get("/account/login"), client.get("/health"), client.get("/missing")]
    signed_in(user_of(Role.ADMINISTRATOR, "SG"))
    responses += [client.get(path) for path in
                  ["/", "/organisations/", "/account/tokens", "/account/second-factor",
                   "/admin/"]]
    for response in responses:
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


def test_not_found_page_is_ours_and_has_no_inline_code(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()
    assert_no_inline_code(response.content.decode())


def test_forbidden_page(user_of, rf: RequestFactory):
    request = rf.get("/")
    request.user = user_of(Role.VIEWER, "SG")
    response = defaults.permission_denied(request, PermissionError("x"))
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert_no_inline_code(response.content.decode())


def test_server_error_page_needs_no_database(rf: RequestFactory):
    # No db fixture: pytest-django makes any query here fail the test.
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_no_inline_code(response.content.decode())


def test_base_layout_carries_csrf_token_and_htmx_config(user_of, signed_in):
    html = signed_in(user_of(Role.VIEWER, "SG")).get("/").content.decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert token and len(token.group(1)) >= 32
    # htmx would otherwise inject an inline <style> for its indicators.
    assert '"includeIndicatorStyles": false' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    scripts = inspect(html).scripts
    assert scripts == ["/static/vendor/htmx.min.js", "/static/jaring/jaring.js"]


@pytest.mark.parametrize("role", Role.values)
def test_every_navigation_page_is_free_of_inline_code(role, user_of, signed_in):
    # Pages that later parts add to the navigation are held to the same CSP rules.
    user = user_of(role, "TH")
    client = signed_in(user)
    for item in items_for(user):
        if item["url"].startswith("/admin/"):
            continue  # Django's own admin templates
        response = client.get(item["url"])
        assert response.status_code == 200, item["url"]
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert_no_inline_code(response.content.decode())
