"""The case list and case page in a real browser at phone width: tabs, forms, no overflow."""

from __future__ import annotations

import pytest

from jaring.identity.roles import Role
from tests.browser.conftest import PHONE
from tests.browser.test_shell import NO_OVERFLOW, _sign_in
from tests.care.factories import new_case, person, staff

pytestmark = pytest.mark.browser


def test_caseworker_screens_a_case_on_a_phone(seeded, new_page, console_errors, tmp_path):
    worker = staff(Role.CASEWORKER, "TH", first_name="Malee")
    case = new_case(worker, data=person(given_name="Nguyen Thi", family_name="Hoa",
                                        aliases=["Hoa Nguyen Thi Thanh Xuan Phuong"]))
    page = new_page(PHONE)
    _sign_in(page, worker)
    page.goto("/care/")
    assert page.evaluate(NO_OVERFLOW)
    assert "Nguyen" not in page.content()  # names masked on the list
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/care/{case.pk}/")
    assert page.get_by_text("Nguyen Thi Hoa").is_visible()
    for tab in ("Screening", "Plan", "Referrals", "Consent", "History", "Person"):
        page.get_by_role("link", name=tab, exact=True).click()
        # Each tab is its own page (?tab=...): measure it once it has loaded.
        page.wait_for_url(f"**/care/{case.pk}/?tab={tab.lower()}")
        assert page.evaluate(NO_OVERFLOW), tab
    page.get_by_role("link", name="Screening", exact=True).click()
    page.get_by_label("Deception", exact=True).check()
    page.get_by_label("Restriction of movement", exact=True).check()
    for element in ("act", "means", "purpose"):
        page.locator(f"#id_palermo_{element}").check()
    page.get_by_role("button", name="Record screening").click()
    assert page.get_by_text("Presumed victim of trafficking").first.is_visible()
    assert page.get_by_role("note").first.inner_text().startswith("Presumed victim")
    assert page.evaluate(NO_OVERFLOW)
    page.screenshot(path=str(tmp_path / "case-phone.png"), full_page=True)
    assert console_errors == []
