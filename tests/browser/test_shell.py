"""Sign in, navigate and sign out in a real browser, at desktop and phone widths."""

from __future__ import annotations

import json

import pytest

from jaring.core.navigation import items_for
from jaring.identity.roles import Role
from tests.browser.conftest import PHONE
from tests.factories import TEST_PASSWORD, OrganisationFactory, make_user

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def _sign_in(page, user):
    page.goto("/account/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def _nav(page) -> list[str]:
    return page.locator('nav[aria-label="Main"] a').all_inner_texts()


def test_analyst_signs_in_navigates_and_signs_out(seeded, new_page, console_errors, tmp_path):
    user = make_user(Role.INTEL_ANALYST, "TH", first_name="Niran")
    page = new_page()
    _sign_in(page, user)

    assert page.get_by_role("heading", name="Welcome, Niran").is_visible()
    assert _nav(page) == [item["label"] for item in items_for(user)]
    assert "Administration" not in _nav(page)
    assert page.locator("dd.role").inner_text() == "Intelligence analyst"
    assert page.locator("dd.country").inner_text() == "Thailand (TH)"
    assert page.locator(".who .account").inner_text() == f"{user.username} · TH"
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.locator('nav[aria-label="Main"]').get_by_role("link", name="Organisations").click()
    page.wait_for_url("**/organisations/")
    assert page.get_by_role("heading", name="Organisations").is_visible()
    assert page.locator('nav a[aria-current="page"]').inner_text() == "Organisations"
    assert page.get_by_role("cell", name=user.organisation.name).is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/account/login")
    assert page.get_by_role("heading", name="Sign in").is_visible()
    page.goto("/")
    assert page.url.endswith("/account/login?next=/")
    assert console_errors == []


def test_wrong_password_shows_the_error(seeded, new_page, console_errors):
    user = make_user(Role.VIEWER, "SG")
    page = new_page()
    page.goto("/account/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "The username or password is not right."
    # The 400 answer itself is logged by Chromium; nothing else may be.
    assert [e for e in console_errors if "status of 400" not in e] == []


def test_administrator_reaches_the_admin(seeded, new_page, console_errors):
    page = new_page()
    _sign_in(page, make_user(Role.ADMINISTRATOR, "SG"))
    assert _nav(page)[-1] == "Administration"
    page.locator('nav[aria-label="Main"]').get_by_role("link", name="Administration").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("link", name="Organisations").first.is_visible()
    for path in ["/admin/identity/user/", "/admin/identity/user/add/",
                 "/admin/identity/organisation/add/", "/admin/audit/auditevent/"]:
        page.goto(path)
        assert page.locator("#content h1").is_visible(), path
    # Django's admin templates link no icon, so Chromium asks for /favicon.ico.
    assert [e for e in console_errors if "/favicon.ico" not in e] == []


def test_phone_width_has_no_horizontal_overflow(seeded, new_page, console_errors, tmp_path):
    # Long names and a wide table: the table must scroll inside its wrapper instead.
    for n in range(12):
        OrganisationFactory(country_id="MY", short_name=f"UNIT{n}",
                            name=f"Jabatan Siasatan Jenayah Komersil Unit Khas Nombor {n}",
                            contact_email=f"unit-khas-jenayah-komersil-{n}@example.gov.my")
    user = make_user(Role.ADMINISTRATOR, "MY")
    page = new_page(PHONE)
    page.goto("/account/login")
    assert page.evaluate(NO_OVERFLOW)
    _sign_in(page, user)
    for path in ["/", "/organisations/", "/account/tokens", "/account/second-factor"]:
        page.goto(path)
        assert page.evaluate(NO_OVERFLOW), path
        # Every navigation entry stays reachable: the bar wraps rather than clips.
        for link in page.locator('nav[aria-label="Main"] a').all():
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], path
    page.goto("/organisations/")
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls, inside itself
    page.screenshot(path=str(tmp_path / "organisations-phone.png"), full_page=True)
    assert console_errors == []


def test_tokens_page_creates_and_revokes_with_confirmation(seeded, new_page, console_errors):
    page = new_page()
    _sign_in(page, make_user(Role.INTEL_ANALYST, "TH"))
    page.goto("/account/tokens")
    page.get_by_label("Name").fill("TH feed")
    page.get_by_label("Read reference data, organisations and one's own profile").check()
    page.get_by_role("button", name="Create token").click()
    assert page.locator("#new-token").inner_text().startswith("jrg_")

    # jaring.js asks before revoking; dismissing keeps the token.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Revoke").click()
    assert page.get_by_role("button", name="Revoke").is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_url("**/account/tokens")
    assert page.get_by_role("status").first.inner_text().endswith("is revoked.")
    assert page.locator(".badge.off", has_text="Revoked").is_visible()
    assert [e for e in console_errors if "status of 400" not in e] == []


def test_htmx_runs_without_inline_styles(seeded, new_page, console_errors):
    page = new_page()
    _sign_in(page, make_user(Role.VIEWER, "SG"))
    assert page.evaluate("typeof htmx === 'object' && htmx.config.includeIndicatorStyles")\
        is False
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "block"
    assert console_errors == []


def test_charts_render_under_the_content_security_policy(seeded, new_page, console_errors):
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"country": c, "reports": n}
                            for c, n in [("TH", 120), ("MY", 80), ("SG", 45)]]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "country", "type": "nominal"},
            "y": {"field": "reports", "type": "quantitative"},
            "tooltip": [{"field": "reports"}],
        },
        "transform": [{"filter": "datum.reports > 50"}],
    }
    page = new_page()
    page.route("**/test-chart.json", lambda route: route.fulfill(
        content_type="application/json", body=json.dumps(spec)))
    _sign_in(page, make_user(Role.VIEWER, "SG"))
    for name in ("vega", "vega-lite", "vega-embed"):
        page.add_script_tag(url=f"/static/vendor/{name}.min.js")
    # Hand jaring.js a chart the way an htmx swap would.
    page.evaluate("""() => {
        const chart = document.createElement('div');
        chart.className = 'chart';
        chart.setAttribute('data-chart-url', '/test-chart.json');
        document.querySelector('main').appendChild(chart);
        chart.dispatchEvent(new CustomEvent('htmx:afterSettle', {bubbles: true}));
    }""")
    page.wait_for_selector(".chart svg .mark-rect path", state="attached")
    # The filter expression ran (through the interpreter, not Function()): SG is gone.
    assert page.locator(".chart svg .mark-rect path").count() == 2
    page.locator(".chart svg .mark-rect path").first.hover()
    assert page.locator("#vg-tooltip-element.visible").inner_text().split() == ["reports", "120"]
    assert console_errors == []
