"""MERL pages in a real browser: the scorecard with its charts, and the entry grid, at 390 px."""

from __future__ import annotations

import pytest

from jaring.identity.roles import Role
from tests.browser.conftest import PHONE
from tests.browser.test_shell import NO_OVERFLOW, _sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def merl_data(seeded):
    from django.apps import apps

    from jaring.merl.framework import load_framework
    from jaring.reference.seed import load_all
    from tests.merl.factories import publish

    load_all(apps)
    load_framework()
    for country, identified, referred in (("TH", "60", "51"), ("MY", "40", "20")):
        publish(country, "2025-Q1", ("VA.IDENTIFIED", country, "2025-Q1", identified),
                ("VA.IDENTIFIED", country, "2025-Q1", "30", "sex=F"),
                ("VA.REFERRED", country, "2025-Q1", referred))


def test_scorecard_and_entry_grid_fit_a_phone(merl_data, new_page, console_errors, tmp_path):
    page = new_page(PHONE)
    _sign_in(page, make_user(Role.ME_OFFICER, "TH"))
    page.goto("/merl/scorecard/?area=TH&year=2025&indicator=VA.IDENTIFIED")
    assert page.get_by_role("heading", name="Scorecard · TH · 2025").is_visible()
    assert page.locator(".status-on_track").first.is_visible()  # 85% referred, target 74
    # The three charts draw one after another: wait for all of them, not the first.
    page.wait_for_function("() => document.querySelectorAll('.chart svg').length === 3")
    assert page.evaluate(NO_OVERFLOW)
    page.screenshot(path=str(tmp_path / "scorecard-phone.png"), full_page=True)
    for path in ("/merl/entry/TH/2025-Q2/", "/merl/", "/merl/approvals/", "/merl/learning/",
                 "/merl/open-data/"):
        page.goto(path)
        assert page.evaluate(NO_OVERFLOW), path
    page.goto("/merl/entry/TH/2025-Q2/")
    page.get_by_label("VA.IDENTIFIED total").fill("12")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("status").first.inner_text().startswith("Saved: 1 new")
    assert console_errors == []


def test_country_profile_scorecard_panel_fits_a_phone(merl_data, new_page, console_errors,
                                                       tmp_path):
    from tests.merl.factories import publish

    publish("TH", "2025", ("CY.LEGAL", "TH", "2025", "3.5"))
    page = new_page(PHONE)
    _sign_in(page, make_user(Role.VIEWER, "TH"))
    page.goto("/overview/countries/TH/?period=2025")
    panel = page.get_by_role("region", name="Results framework scorecard")
    assert panel.is_visible()
    assert panel.get_by_role("cell", name="CY.LEGAL Legal measures score").is_visible()
    assert page.locator('[data-figure="merl.on_track"]').count() == 1
    assert page.evaluate(NO_OVERFLOW)
    page.screenshot(path=str(tmp_path / "country-scorecard-phone.png"), full_page=True)
    assert console_errors == []
