"""The intelligence part's rows of the authorization matrix (see tests/matrix.py).

Only intelligence analysts use the part; administrators keep the warninglist and
review flagged indicators. "Other" records belong to Thailand and are AMBER with
no Singapore report in their campaign, so a Singapore analyst may not know of them.
"""

from __future__ import annotations

import itertools
import random

from jaring.identity.roles import Role
from jaring.intel.models import Alert, Indicator, Sighting, WarninglistEntry
from jaring.intel.synthetic import tron_address
from tests.matrix import OTHER_COUNTRY, OWN, OWN_COUNTRY, Route, World, roles

_n = itertools.count(1)
ANALYST = {Role.INTEL_ANALYST: 200}
ANALYST_API = {"anonymous": 401}


def _wallet() -> tuple[str, str]:
    return ("crypto_wallet", tron_address(random.Random(f"matrix-{next(_n)}")))


def _country(variant: str) -> str:
    return OWN_COUNTRY if variant == OWN else OTHER_COUNTRY


def _report(world: World, actor: str, variant: str):
    from tests.intel.factories import submit

    return submit(_country(variant), _wallet(), tlp="amber")


def _campaign_code(variant: str) -> str:
    from tests.intel.factories import submit

    wallet = _wallet()
    submit(_country(variant), wallet, tlp="amber")
    return submit(_country(variant), wallet, tlp="amber").campaign.code


def _alert(variant: str) -> Alert:
    from tests.intel.factories import submit

    wallet = _wallet()
    submit("MY", wallet, tlp="amber")
    submit(_country(variant), wallet, tlp="amber")
    return Alert.objects.filter(country_id=_country(variant)).latest("sequence")


def _sighting(world: World, actor: str, variant: str) -> Sighting:
    return Sighting.objects.filter(report=_report(world, actor, variant)).get()


def _flagged(world: World, actor: str, variant: str) -> str:
    """A flagged indicator that the actor's country has reported (or, for "other",
    only another country has: an analyst may not decide on those)."""
    sighting = _sighting(world, actor, variant)
    Indicator.objects.filter(pk=sighting.indicator_id).update(status=Indicator.Status.FLAGGED,
                                                             report_count=99)
    return f"/api/v1/intel/indicators/{sighting.indicator_id}/review"


def _entry(world: World, actor: str, variant: str) -> str:
    entry = WarninglistEntry.objects.create(kind="domain", value=f"m{next(_n)}.example",
                                            token=f"matrix-{next(_n)}".encode(), reason="matrix")
    return f"/api/v1/intel/warninglist/{entry.pk}"


def _new_report(world: World, actor: str, variant: str) -> dict:
    return {"reference": f"MATRIX-{next(_n)}", "reported_on": "2026-01-05",
            "scam_type": "investment", "tlp": "green",
            "indicators": [{"kind": "phone", "value": "+65 9123 4567"}]}


def _new_report_form(world: World, actor: str, variant: str) -> dict:
    return {**_new_report(world, actor, variant), "ind-TOTAL_FORMS": "0",
            "ind-INITIAL_FORMS": "0", "indicators": ""}


ROUTES = [
    Route("/intel/reports/", roles(ANALYST, 403)),
    Route("/intel/reports/new", roles(ANALYST, 403)),
    Route("/intel/reports/<int:pk>/", roles(ANALYST, 403), other=roles({}, 403) | {
        Role.INTEL_ANALYST: 404},
        path=lambda w, a, v: f"/intel/reports/{_report(w, a, v).pk}/"),
    Route("/intel/sightings/<int:pk>/unlink", roles({Role.INTEL_ANALYST: 302}, 403),
          method="POST", other=roles({Role.INTEL_ANALYST: 404}, 403),
          path=lambda w, a, v: f"/intel/sightings/{_sighting(w, a, v).pk}/unlink",
          data={"reason": "matrix"}),
    Route("/intel/search", roles(ANALYST, 403)),
    Route("/intel/campaigns/", roles(ANALYST, 403)),
    Route("/intel/campaigns/<str:code>/", roles(ANALYST, 403),
          other=roles({Role.INTEL_ANALYST: 404}, 403),
          path=lambda w, a, v: f"/intel/campaigns/{_campaign_code(v)}/"),
    Route("/intel/campaigns/<str:code>/charts/<str:name>.json", roles(ANALYST, 403),
          other=roles({Role.INTEL_ANALYST: 404}, 403),
          path=lambda w, a, v: f"/intel/campaigns/{_campaign_code(v)}/charts/losses.json"),
    Route("/intel/alerts/", roles(ANALYST, 403)),
    Route("/intel/alerts/<int:pk>/state", roles({Role.INTEL_ANALYST: 302}, 403),
          method="POST", other=roles({Role.INTEL_ANALYST: 404}, 403),
          path=lambda w, a, v: f"/intel/alerts/{_alert(v).pk}/state", data={"state": "read"}),
    Route("/intel/flagged/", roles({Role.INTEL_ANALYST: 200, Role.ADMINISTRATOR: 200}, 403)),
    Route("/intel/warninglist/",
          roles({Role.INTEL_ANALYST: 200, Role.ADMINISTRATOR: 200}, 403)),
    # API
    Route("POST /api/v1/intel/reports", roles({Role.INTEL_ANALYST: 201}, 403, anonymous=401),
          data=_new_report),
    Route("GET /api/v1/intel/reports", roles(ANALYST, 403, anonymous=401)),
    Route("GET /api/v1/intel/reports/{report_id}", roles(ANALYST, 403, anonymous=401),
          other=roles({Role.INTEL_ANALYST: 404}, 403, anonymous=401),
          path=lambda w, a, v: f"/api/v1/intel/reports/{_report(w, a, v).pk}"),
    Route("GET /api/v1/intel/search", roles(ANALYST, 403, anonymous=401),
          path="/api/v1/intel/search?q=%2B6591234567"),
    Route("GET /api/v1/intel/campaigns", roles(ANALYST, 403, anonymous=401)),
    Route("GET /api/v1/intel/campaigns/{code}", roles(ANALYST, 403, anonymous=401),
          other=roles({Role.INTEL_ANALYST: 404}, 403, anonymous=401),
          path=lambda w, a, v: f"/api/v1/intel/campaigns/{_campaign_code(v)}"),
    Route("GET /api/v1/intel/alerts", roles(ANALYST, 403, anonymous=401)),
    Route("POST /api/v1/intel/alerts/{alert_id}/state", roles(ANALYST, 403, anonymous=401),
          other=roles({Role.INTEL_ANALYST: 404}, 403, anonymous=401),
          path=lambda w, a, v: f"/api/v1/intel/alerts/{_alert(v).pk}/state",
          data={"state": "read"}),
    Route("POST /api/v1/intel/sightings/{sighting_id}/unlink",
          roles(ANALYST, 403, anonymous=401),
          other=roles({Role.INTEL_ANALYST: 404}, 403, anonymous=401),
          path=lambda w, a, v: f"/api/v1/intel/sightings/{_sighting(w, a, v).pk}/unlink",
          data={"reason": "matrix"}),
    Route("GET /api/v1/intel/indicators/flagged",
          roles({Role.INTEL_ANALYST: 200, Role.ADMINISTRATOR: 200}, 403, anonymous=401)),
    Route("POST /api/v1/intel/indicators/{indicator_id}/review",
          roles({Role.INTEL_ANALYST: 200, Role.ADMINISTRATOR: 200}, 403, anonymous=401),
          other=roles({Role.INTEL_ANALYST: 404, Role.ADMINISTRATOR: 200}, 403, anonymous=401),
          path=_flagged, data={"approve": True, "reason": "matrix"}),
    Route("GET /api/v1/intel/warninglist",
          roles({Role.INTEL_ANALYST: 200, Role.ADMINISTRATOR: 200}, 403, anonymous=401)),
    Route("POST /api/v1/intel/warninglist",
          roles({Role.ADMINISTRATOR: 201}, 403, anonymous=401),
          data=lambda w, a, v: {"kind": "domain", "value": f"w{next(_n)}-scam.com",
                                "reason": "matrix"}),
    Route("DELETE /api/v1/intel/warninglist/{entry_id}",
          roles({Role.ADMINISTRATOR: 204}, 403, anonymous=401), path=_entry),
]

ROUTES += [
    Route("/intel/campaigns/<str:code>/export.<str:fmt>.json", roles(ANALYST, 403),
          other=roles({Role.INTEL_ANALYST: 404}, 403),
          path=lambda w, a, v: f"/intel/campaigns/{_campaign_code(v)}/export.stix.json"),
    Route("GET /api/v1/intel/export", roles(ANALYST, 403, anonymous=401),
          path="/api/v1/intel/export?format=misp"),
]
