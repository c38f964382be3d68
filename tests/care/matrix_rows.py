"""The care part's rows of the authorization matrix (see tests/matrix.py).

Caseworkers and case supervisors work on cases; supervisors alone approve, export
a person's data and see supervisor fields; M&E officers see figures only. "Own"
records are the actor's own case (or one of their organisation's); "other"
records belong to Thailand, and asking for them answers 404 (audited).
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from jaring.care.models import Case, ConsentPurpose, Referral, Transfer
from jaring.care.services import referrals, transfers, workflow
from jaring.identity.roles import Role
from tests.care.factories import PRESUMED, in_services, new_case, ngo, provider, staff
from tests.factories import OrganisationFactory
from tests.matrix import OWN_COUNTRY, Route, World, roles

_n = itertools.count(1)
CW, SUP, ME = Role.CASEWORKER, Role.CASE_SUPERVISOR, Role.ME_OFFICER
WORKERS = {CW: 200, SUP: 200}
API = {"anonymous": 401}
ALL_CONSENTS = (ConsentPurpose.SERVICES, ConsentPurpose.REFERRAL, ConsentPurpose.TRANSFER)


def _organisation(owner):
    if owner.organisation is not None and owner.organisation.country_id:
        return owner.organisation
    return OrganisationFactory(country_id=OWN_COUNTRY, kind="social_welfare")


def _case(world: World, actor: str, variant: str, state: str = "registered") -> Case:
    """A case owned by the actor (own) or by a same-role user in Thailand (other)."""
    owner = world.owner(actor, variant)
    organisation = _organisation(owner)
    creator = staff(CW, organisation=organisation)
    boss = staff(SUP, organisation=organisation)
    if state == "services":
        case = in_services(creator, boss, consents=ALL_CONSENTS, transfer_fields=["names"])
    else:
        case = new_case(creator, consents=ALL_CONSENTS, transfer_fields=["names"])
        if state == "assessed":
            workflow.screen(creator, case, **PRESUMED)
            workflow.assess(creator, case, notes="n", risk_level="low")
    Case.objects.filter(pk=case.pk).update(owner=owner)
    case.refresh_from_db()
    return case


def _case_path(suffix: str = "", state: str = "registered"):
    def build(world: World, actor: str, variant: str) -> str:
        return f"/care/{_case(world, actor, variant, state).pk}/{suffix}"
    return build


def _api_case(suffix: str = "", state: str = "registered"):
    def build(world: World, actor: str, variant: str) -> str:
        return f"/api/v1/care/cases/{_case(world, actor, variant, state).pk}{suffix}"
    return build


def _plan(world: World, actor: str, variant: str) -> str:
    case = _case(world, actor, variant, "assessed")
    author = staff(SUP, organisation=case.organisation)  # not the actor: authors never approve
    plan = workflow.propose_plan(author, case, [{"service_type": "shelter", "goal": "bed"}])
    return f"/api/v1/care/plans/{plan.pk}/approve"


def _consent(world: World, actor: str, variant: str) -> str:
    case = _case(world, actor, variant)
    return f"/api/v1/care/consents/{case.consents.first().pk}/withdraw"


def _referral(world: World, actor: str, variant: str) -> Referral:
    """A referral to the actor's organisation (own) or to a Thai one (other)."""
    owner = world.owner(actor, variant)
    to_org = _organisation(owner)
    country = to_org.country_id
    sender_org = ngo(country)
    sender = staff(CW, organisation=sender_org)
    case = new_case(sender, consents=ALL_CONSENTS)
    return referrals.refer(sender, case, provider=provider(country, organisation=to_org),
                           service_type="shelter")


def _transfer(world: World, actor: str, variant: str) -> Transfer:
    """A transfer from Malaysia to the actor's organisation (own) or a Thai one (other)."""
    to_org = _organisation(world.owner(actor, variant))
    sender = staff(CW, "MY")
    case = new_case(sender, consents=ALL_CONSENTS, transfer_fields=["names"])
    return transfers.send_transfer(sender, case, to_organisation=to_org)


def _task(world: World, actor: str, variant: str) -> str:
    return f"/api/v1/care/tasks/{_case(world, actor, variant).tasks.first().pk}/done"


def _colleague(world: World, actor: str, variant: str) -> dict:
    owner = world.owner(actor, variant)
    return {"user": staff(CW, organisation=_organisation(owner)).pk}


def _team(world: World, actor: str, variant: str) -> dict:
    from jaring.care.models import Team

    organisation = _organisation(world.owner(actor, variant))
    return {"team": Team.objects.create(organisation=organisation, name=f"T{next(_n)}").pk}


def _report_ids(world: World, actor: str, variant: str) -> dict:
    from tests.intel.factories import submit

    country = _organisation(world.owner(actor, variant)).country_id
    return {"report_ids": [submit(country).pk]}


def _new_case(world: World, actor: str, variant: str) -> dict:
    return {"case_type": "fraud_victim", "person": {"given_name": f"Matrix{next(_n)}"},
            "sex": "female", "nationality": "ID"}


def _to_malaysia(world: World, actor: str, variant: str) -> dict:
    return {"to_organisation": OrganisationFactory(country_id="MY", kind="social_welfare").pk}


def _provider_data(world: World, actor: str, variant: str) -> dict:
    owner = world.owner(actor, variant)
    country = _organisation(owner).country_id
    return {"provider": provider(country).pk, "service_type": "shelter"}


def _today() -> str:
    return timezone.localdate().isoformat()


WORKER_PAGE = roles(WORKERS, 403)
WORKER_OTHER = roles({CW: 404, SUP: 404}, 403)
FIGURES = roles({CW: 200, SUP: 200, ME: 200}, 403)


def _api(granted: dict[str, int], **kwargs) -> dict[str, int]:
    return roles(granted, 403, anonymous=401, **kwargs)


def _api_other(*granted: str) -> dict[str, int]:
    return roles(dict.fromkeys(granted, 404), 403, anonymous=401)


ROUTES = [
    Route("/care/", WORKER_PAGE),
    Route("/care/new", WORKER_PAGE),
    Route("/care/<int:pk>/", WORKER_PAGE, other=WORKER_OTHER, path=_case_path()),
    Route("/care/<int:pk>/act", roles({CW: 302, SUP: 302}, 403), method="POST",
          other=WORKER_OTHER, path=_case_path("act"),
          data={"action": "consent", "purpose": "statistics", "method": "verbal",
                "given_on": datetime.date(2026, 1, 5).isoformat()}),
    Route("/care/<int:pk>/access-request.<str:fmt>", roles({SUP: 200}, 403),
          other=roles({SUP: 404}, 403), path=_case_path("access-request.json")),
    Route("/care/tasks/", WORKER_PAGE),
    Route("/care/inbox/", WORKER_PAGE),
    Route("/care/referrals/<int:pk>/state", roles({CW: 302, SUP: 302}, 403), method="POST",
          other=WORKER_OTHER, data={"state": "accepted"},
          path=lambda w, a, v: f"/care/referrals/{_referral(w, a, v).pk}/state"),
    Route("/care/transfers/<int:pk>/answer", roles({CW: 302, SUP: 302}, 403), method="POST",
          other=WORKER_OTHER, data={"decision": "decline", "reason": "matrix"},
          path=lambda w, a, v: f"/care/transfers/{_transfer(w, a, v).pk}/answer"),
    Route("/care/providers/", WORKER_PAGE),
    Route("/care/reports/", FIGURES),
    Route("/care/reports/kpis.csv", FIGURES),
    Route("/care/reports/charts/<str:name>.json", FIGURES,
          path="/care/reports/charts/caseload.json"),
    Route("/care/reports/htcds.csv", roles({SUP: 200, ME: 200}, 403)),
    # API
    Route("GET /api/v1/care/cases", _api(WORKERS)),
    Route("POST /api/v1/care/cases", _api({CW: 201, SUP: 201}), data=_new_case),
    Route("GET /api/v1/care/cases/{case_id}", _api(WORKERS), other=_api_other(CW, SUP),
          path=_api_case()),
    Route("POST /api/v1/care/cases/{case_id}/screening", _api(WORKERS),
          other=_api_other(CW, SUP), path=_api_case("/screening"), data=PRESUMED),
    Route("POST /api/v1/care/cases/{case_id}/transition", _api(WORKERS),
          other=_api_other(CW, SUP), path=_api_case("/transition"),
          data={"action": "request_closure", "reason": "goals_met"}),
    Route("POST /api/v1/care/cases/{case_id}/plans", _api({CW: 201, SUP: 201}),
          other=_api_other(CW, SUP), path=_api_case("/plans", "assessed"),
          data={"goals": [{"service_type": "shelter", "goal": "A safe bed"}]}),
    Route("POST /api/v1/care/plans/{plan_id}/approve", _api({SUP: 200}),
          other=_api_other(SUP), path=_plan),
    Route("POST /api/v1/care/cases/{case_id}/consents", _api({CW: 201, SUP: 201}),
          other=_api_other(CW, SUP), path=_api_case("/consents"),
          data={"purpose": "statistics", "method": "verbal"}),
    Route("POST /api/v1/care/consents/{consent_id}/withdraw", _api(WORKERS),
          other=_api_other(CW, SUP), path=_consent),
    Route("POST /api/v1/care/cases/{case_id}/services", _api({CW: 201, SUP: 201}),
          other=_api_other(CW, SUP), path=_api_case("/services", "services"),
          data=lambda w, a, v: {"service_type": "shelter", "delivered_on": _today()}),
    Route("POST /api/v1/care/cases/{case_id}/referrals", _api({CW: 201, SUP: 201}),
          other=_api_other(CW, SUP), path=_api_case("/referrals"), data=_provider_data),
    Route("POST /api/v1/care/referrals/{referral_id}/state", _api(WORKERS),
          other=_api_other(CW, SUP), data={"state": "accepted"},
          path=lambda w, a, v: f"/api/v1/care/referrals/{_referral(w, a, v).pk}/state"),
    Route("POST /api/v1/care/cases/{case_id}/transfers", _api({CW: 201, SUP: 201}),
          other=_api_other(CW, SUP), path=_api_case("/transfers"), data=_to_malaysia),
    Route("POST /api/v1/care/transfers/{transfer_id}/answer", _api(WORKERS),
          other=_api_other(CW, SUP), data={"accept": False, "reason": "matrix"},
          path=lambda w, a, v: f"/api/v1/care/transfers/{_transfer(w, a, v).pk}/answer"),
    Route("GET /api/v1/care/tasks/overdue", _api(WORKERS)),
    Route("GET /api/v1/care/inbox", _api(WORKERS)),
    Route("GET /api/v1/care/providers", _api(WORKERS)),
    Route("GET /api/v1/care/kpis", _api({CW: 200, SUP: 200, ME: 200})),
    Route("GET /api/v1/care/cases/{case_id}/access-request", _api({SUP: 200}),
          other=_api_other(SUP), path=_api_case("/access-request")),
    # The user and reports named in the body belong with the record, so "other" is 404.
    Route("POST /api/v1/care/cases/{case_id}/assign", _api(WORKERS),
          other=_api_other(CW, SUP), path=_api_case("/assign"), data=_colleague),
    Route("POST /api/v1/care/cases/{case_id}/team", _api(WORKERS),
          other=_api_other(CW, SUP), path=_api_case("/team"), data=_team),
    Route("POST /api/v1/care/cases/{case_id}/fraud-reports", _api(WORKERS),
          other=_api_other(CW, SUP), path=_api_case("/fraud-reports"), data=_report_ids),
    Route("POST /api/v1/care/cases/{case_id}/supervisor-note", _api({SUP: 200}),
          other=_api_other(SUP), path=_api_case("/supervisor-note"), data={"note": "Watch"}),
    # Without law-enforcement consent: the supervisor may override, the caseworker not.
    Route("POST /api/v1/care/cases/{case_id}/disclosures", _api({CW: 403, SUP: 204}),
          other=_api_other(CW, SUP), path=_api_case("/disclosures"),
          data={"recipient": "Police", "purpose": "Statement", "override_reason": "x"}),
    Route("POST /api/v1/care/tasks/{task_id}/done", _api({CW: 204, SUP: 204}),
          other=_api_other(CW, SUP), path=_task),
    Route("POST /api/v1/care/cases/{case_id}/erase", _api({SUP: 204}),
          other=_api_other(SUP), path=_api_case("/erase"), data={"reason": "Request"}),
]

