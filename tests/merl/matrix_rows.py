"""The MERL part's rows of the authorization matrix (see tests/matrix.py).

M&E officers enter and submit their own country's values; M&E approvers approve
them; administrators, officers, approvers and viewers read the framework, the
scorecards and the learning log; the open-data page is public. "Other" records
belong to Thailand, so a Singapore officer or approver is refused.
"""

from __future__ import annotations

import itertools

from jaring.identity.roles import Role
from tests.matrix import OTHER_COUNTRY, OWN, OWN_COUNTRY, Route, World, everyone, roles

_n = itertools.count(1)
READERS = {Role.ADMINISTRATOR: 200, Role.ME_OFFICER: 200, Role.ME_APPROVER: 200,
           Role.VIEWER: 200}
OFFICER = {Role.ME_OFFICER: 200}
ME = {Role.ME_OFFICER: 200, Role.ME_APPROVER: 200}


def _country(variant: str) -> str:
    return OWN_COUNTRY if variant == OWN else OTHER_COUNTRY


def _framework() -> None:
    from jaring.merl.models import Plan

    if not Plan.objects.exists():
        from jaring.merl.framework import load_framework

        load_framework()


def _fresh_period(world: World, variant: str) -> str:
    """A period of the variant's country holding one draft value, so submitting works."""
    from tests.merl.factories import enter, officer

    _framework()
    n = next(_n)
    period = f"{2000 + n // 4}-Q{n % 4 + 1}"
    country = _country(variant)
    enter(officer(country), ("VA.IDENTIFIED", country, period, "4"))
    return f"{country}/{period}"


def _violation(world: World, actor: str, variant: str) -> str:
    from jaring.merl.models import Violation

    n = next(_n)
    found = Violation.objects.create(fingerprint=f"matrix-{n}", kind="outlier",
                                     country_id=_country(variant), period="2025-Q1",
                                     message="matrix")
    return f"/merl/violations/{found.pk}/explain"


def _learning(world: World, actor: str, variant: str):
    from jaring.merl.models import LearningEntry, Plan

    _framework()
    return LearningEntry.objects.create(plan=Plan.objects.first(), country_id=_country(variant),
                                        kind="lesson", title="matrix", text="matrix")


def _entry(suffix: str = "") -> object:
    def build(world: World, actor: str, variant: str) -> str:
        _framework()
        return f"/merl/entry/{_country(variant)}/2025-Q1/{suffix}"
    return build


def _framework_path(path: str) -> object:
    def build(world: World, actor: str, variant: str) -> str:
        _framework()
        return path
    return build


def _api_template(world: World, actor: str, variant: str) -> str:
    _framework()
    return f"/api/v1/merl/template/{_country(variant)}/2025-Q1"


API = {"anonymous": 401}

ROUTES = [
    Route("/merl/", roles(READERS, 403, regional=200)),
    Route("/merl/indicators/<str:code>/", roles(READERS, 403, regional=200),
          path=_framework_path("/merl/indicators/VA.IDENTIFIED/")),
    Route("/merl/entry/", roles(OFFICER, 403)),
    Route("/merl/entry/<str:country>/<str:period>/", roles(OFFICER, 403),
          other=roles({}, 403), path=_entry()),
    Route("/merl/entry/<str:country>/<str:period>/template.xlsx", roles(OFFICER, 403),
          other=roles({}, 403), path=_entry("template.xlsx")),
    Route("/merl/upload", roles(OFFICER, 403)),
    Route("/merl/approvals/", roles(ME, 403)),
    # Officers submit their own country's period; approvers may not submit.
    Route("/merl/approvals/<str:country>/<str:period>/<str:action>",
          roles({Role.ME_OFFICER: 302}, 403), method="POST", other=roles({}, 403),
          path=lambda w, a, v: f"/merl/approvals/{_fresh_period(w, v)}/submit"),
    Route("/merl/validation/", roles(ME, 403)),
    Route("/merl/validation/run", roles({Role.ME_OFFICER: 302, Role.ME_APPROVER: 302}, 403),
          method="POST"),
    Route("/merl/violations/<int:pk>/explain", roles({Role.ME_OFFICER: 302}, 403),
          method="POST", other=roles({Role.ME_OFFICER: 404}, 403), path=_violation,
          data={"note": "matrix"}),
    Route("/merl/scorecard/", roles(READERS, 403, regional=200),
          path=_framework_path("/merl/scorecard/")),
    Route("/merl/charts/<str:name>.json", roles(READERS, 403, regional=200),
          path=_framework_path("/merl/charts/trend.json?indicator=VA.IDENTIFIED&year=2025")),
    Route("/merl/learning/", roles(READERS, 403, regional=200)),
    Route("/merl/learning/<int:pk>/", roles({Role.ME_OFFICER: 302, Role.ME_APPROVER: 302}, 403),
          method="POST", other=roles({Role.ME_OFFICER: 404, Role.ME_APPROVER: 404}, 403),
          path=lambda w, a, v: f"/merl/learning/{_learning(w, a, v).pk}/",
          data={"status": "done", "follow_up": "matrix"}),
    Route("/merl/open-data/", everyone(200), path=_framework_path("/merl/open-data/")),
    Route("/merl/open-data/<str:fmt>", everyone(200),
          path=_framework_path("/merl/open-data/sdmx-csv")),
    # API
    Route("GET /api/v1/merl/indicators", roles(READERS, 403, regional=200, **API)),
    Route("GET /api/v1/merl/values", roles(ME, 403, **API)),
    Route("POST /api/v1/merl/values", roles(OFFICER, 403, **API), data={"values": []}),
    Route("POST /api/v1/merl/dhis2/dataValueSets", roles(OFFICER, 403, **API),
          data={"dataValues": []}),
    Route("POST /api/v1/merl/adx", roles(OFFICER, 403, **API)),
    Route("POST /api/v1/merl/files/{fmt}", roles(OFFICER, 403, **API),
          path="/api/v1/merl/files/csv"),
    Route("GET /api/v1/merl/template/{country}/{period}", roles(OFFICER, 403, **API),
          other=roles({}, 403, **API),
          path=_api_template),
    Route("POST /api/v1/merl/violations/{violation_id}/explain", roles(OFFICER, 403, **API),
          other=roles({Role.ME_OFFICER: 404}, 403, **API),
          path=lambda w, a, v: "/api/v1" + _violation(w, a, v), data={"note": "matrix"}),
    Route("POST /api/v1/merl/learning/{entry_id}/follow-up",
          roles({Role.ME_OFFICER: 200, Role.ME_APPROVER: 200}, 403, **API),
          other=roles({Role.ME_OFFICER: 404, Role.ME_APPROVER: 404}, 403, **API),
          path=lambda w, a, v: f"/api/v1/merl/learning/{_learning(w, a, v).pk}/follow-up",
          data={"status": "done", "follow_up": "matrix"}),
    Route("POST /api/v1/merl/periods/{country}/{period}/{action}", roles(OFFICER, 403, **API),
          other=roles({}, 403, **API),
          path=lambda w, a, v: f"/api/v1/merl/periods/{_fresh_period(w, v)}/submit",
          data={"reason": ""}),
    Route("GET /api/v1/merl/periods", roles(ME, 403, **API)),
    Route("GET /api/v1/merl/violations", roles(ME, 403, **API)),
    Route("POST /api/v1/merl/validation", roles(ME, 403, **API)),
    Route("GET /api/v1/merl/scorecard", roles(READERS, 403, regional=200, **API),
          path=_framework_path("/api/v1/merl/scorecard?year=2025")),
    Route("GET /api/v1/merl/open-data", roles(READERS, 403, regional=200, **API),
          path=_framework_path("/api/v1/merl/open-data?first=2025&last=2025")),
    Route("GET /api/v1/merl/learning", roles(READERS, 403, regional=200, **API)),
    Route("POST /api/v1/merl/learning", roles({**ME} | {Role.ME_OFFICER: 201,
                                                        Role.ME_APPROVER: 201}, 403, **API),
          path=_framework_path("/api/v1/merl/learning"),
          data={"kind": "lesson", "title": "matrix", "text": "matrix"}),
    Route("GET /api/v1/merl/learning/{entry_id}", roles(READERS, 403, regional=200, **API),
          path=lambda w, a, v: f"/api/v1/merl/learning/{_learning(w, a, v).pk}"),
]
