"""The overview pages in a real browser: figures match the database, every chart draws,
nothing overflows sideways, at phone and desktop width."""

from __future__ import annotations

import pytest

from jaring.identity.roles import Role
from jaring.overview import intel_figures
from jaring.overview.periods import parse_period
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TEST_PASSWORD, make_user
from tests.overview.factories import campaign, report

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
MARKS = "svg .mark-geoshape, svg .mark-rect, svg .mark-line, svg .mark-symbol"
ALL_CHARTS_DRAWN = """() => {
    const charts = [...document.querySelectorAll('[data-chart-spec]')];
    return charts.length > 0 && charts.every(c => c.querySelector('MARKS'));
}""".replace("MARKS", MARKS)


def _sign_in(page, user):
    page.goto("/account/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


@pytest.fixture
def reference(transactional_db):
    """All reference rows: a transactional test empties the tables when it ends."""
    from django.apps import apps

    from jaring.reference.seed import load_all

    load_all(apps)


def _world():
    campaign("2025-02-03", "SG", "TH", "MY")
    campaign("2025-05-13", "TH", "VN", "KH")
    report("SG", "2025-01-10", tlp="red", loss="500")
    report("ID", "2025-07-01", scam_type="romance", channel="facebook")
    report("TH", "2024-03-10", loss="250")


def _expected(user, scope=None) -> dict[str, str]:
    period = parse_period("2025")
    rows = intel_figures.basis(user).filter(reported_on__year=2025)
    if scope:
        rows = rows.filter(country_id=scope)
    return {"intel.reports": str(rows.count()),
            "intel.losses": str(sum(r.loss_usd for r in rows)),
            "period": period.code}


def _check_page(page, url, expected, console_errors):
    page.goto(url)
    for key in ("intel.reports", "intel.losses"):
        got = page.locator(f'[data-figure="{key}"]').get_attribute("data-value")
        assert float(got) == float(expected[key]), (url, key, got)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)
    assert page.evaluate(NO_OVERFLOW), url
    assert console_errors == [], console_errors


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_overview_and_country_pages(reference, new_page, console_errors, viewport, tmp_path):
    _world()
    user = make_user(Role.INTEL_ANALYST, "SG")
    page = new_page(viewport)
    _sign_in(page, user)
    _check_page(page, "/overview/?period=2025", _expected(user), console_errors)
    assert page.locator(".chart-map svg .mark-rule line, .chart-map svg .mark-rule path"
                        ).count() >= 1  # the cross-border links
    page.screenshot(path=str(tmp_path / f"overview-{viewport['width']}.png"), full_page=True)
    page.get_by_role("link", name="Thailand").click()
    page.wait_for_url("**/overview/countries/TH/**")
    _check_page(page, "/overview/countries/TH/?period=2025", _expected(user, "TH"),
                console_errors)
    assert sorted(page.locator("[data-partner]").evaluate_all(
        "els => els.map(e => e.dataset.partner)")) == ["KH", "MY", "SG", "VN"]
    page.goto("/overview/open-data/")
    assert page.get_by_role("heading", name="Disclosure rules in plain language").is_visible()
    assert page.evaluate(NO_OVERFLOW)


def test_viewer_sees_region_wide_figures_and_downloads_a_report(reference, new_page,
                                                                console_errors):
    _world()
    user = make_user(Role.VIEWER, None)
    page = new_page(PHONE)
    _sign_in(page, user)
    _check_page(page, "/overview/?period=2025", _expected(user), console_errors)
    assert page.locator('[data-figure="intel.alerts"]').count() == 0
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename == "jaring-progress-region-2025.pdf"
