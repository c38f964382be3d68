"""Pages and API: masked lists, exact search, audited openings, bounded queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jaring.audit.models import AuditEvent
from jaring.care.models import Case, CaseState
from jaring.identity.roles import Role
from tests.care.factories import PRESUMED, new_case, person, staff, supervisor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return staff(Role.CASEWORKER, "TH")


def test_list_masks_names_and_finds_by_exact_name_or_alias(worker, signed_in):
    new_case(worker, data=person(given_name="Siti", family_name="Rahma", aliases=["Sitti R"]))
    new_case(worker)
    client = signed_in(worker)
    page = client.get("/care/").content.decode()
    assert "Siti" not in page and "●●●●●" in page
    assert client.get("/care/", {"name": "siti  RAHMA"}).context["page"].paginator.count == 1
    assert client.get("/care/", {"name": "Sitti R"}).context["page"].paginator.count == 1
    assert client.get("/care/", {"name": "Siti"}).context["page"].paginator.count == 0


def test_case_list_queries_do_not_grow_with_the_page(worker, signed_in):
    client = signed_in(worker)
    new_case(worker)
    with CaptureQueriesContext(connection) as few:
        client.get("/care/")
    for _ in range(15):
        new_case(worker)
    with CaptureQueriesContext(connection) as many:
        client.get("/care/")
    assert len(many) == len(few)


def test_opening_a_case_shows_the_person_and_is_audited(worker, signed_in):
    case = new_case(worker, data=person(given_name="Siti", family_name="Rahma"))
    client = signed_in(worker)
    for tab in ("person", "screening", "assessment", "plan", "referrals", "services",
                "consent", "history"):
        response = client.get(f"/care/{case.pk}/", {"tab": tab})
        assert response.status_code == 200, tab
    assert "Siti Rahma" in client.get(f"/care/{case.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="care.case.open", object_id=str(case.pk)).count() == 9


def test_the_workflow_through_the_case_page(worker, signed_in):
    boss = supervisor_for(worker)
    case = new_case(worker)
    client = signed_in(worker)
    act = f"/care/{case.pk}/act"
    client.post(act, {"action": "screen", "ilo_deception": "on", "palermo_act": "on",
                      "palermo_means": "on", "palermo_purpose": "on"})
    client.post(act, {"action": "assess", "notes": "Needs shelter", "risk_level": "high"})
    client.post(act, {"action": "plan", "service_1": "shelter", "goal_1": "Safe bed"})
    case.refresh_from_db()
    assert case.state == CaseState.CASE_PLAN and case.non_punishment
    page = client.get(f"/care/{case.pk}/").content.decode()
    assert "non-punishment" in page
    client.logout()
    boss_client = signed_in(boss)
    plan = case.plans.get()
    boss_client.post(act, {"action": "approve_plan", "plan": plan.pk})
    assert Case.objects.get(pk=case.pk).state == CaseState.SERVICES


def test_a_bad_action_says_what_is_wrong(worker, signed_in):
    case = new_case(worker)
    client = signed_in(worker)
    response = client.post(f"/care/{case.pk}/act", {"action": "assess", "notes": "x",
                                                    "risk_level": "low"}, follow=True)
    assert "registered" in response.content.decode()


def test_api_round_trip_and_non_punishment_flag(worker, client):
    client.force_login(worker)
    from jaring.identity.middleware import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = True
    session.save()
    body = {"case_type": "trafficking_survivor", "person": {"given_name": "Ani",
                                                             "documents": [{"type": "passport",
                                                                            "number": "B123"}]},
            "sex": "female", "nationality": "ID"}
    created = client.post("/api/v1/care/cases", body, content_type="application/json")
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    client.post(f"/api/v1/care/cases/{case_id}/consents", {"purpose": "services",
                "method": "verbal"}, content_type="application/json")
    screened = client.post(f"/api/v1/care/cases/{case_id}/screening", PRESUMED,
                           content_type="application/json")
    assert screened.json()["non_punishment"] is True
    listed = client.get("/api/v1/care/cases", {"document": "b123"}).json()
    assert [c["id"] for c in listed] == [case_id] and listed[0]["name"] == "●●●●●"
    assert client.get(f"/api/v1/care/cases/{case_id}").json()["person"]["given_name"] == "Ani"
    bad = client.post("/api/v1/care/cases", {**body, "case_type": "alien"},
                      content_type="application/json")
    assert bad.status_code == 400 and "case_type" in str(bad.json())


def test_reports_csv_and_htcds(worker, signed_in):
    boss = supervisor_for(worker)
    new_case(worker, consents=("services", "statistics"))
    client = signed_in(boss)
    assert client.get("/care/reports/").status_code == 200
    csv_text = client.get("/care/reports/kpis.csv").content.decode()
    assert csv_text.startswith("country,organisation,cases")
    htcds = client.get("/care/reports/htcds.csv").content.decode()
    assert htcds.startswith("caseId,") and len(htcds.splitlines()) == 2
    assert client.get("/care/reports/charts/caseload.json").json()["$schema"]


def test_assigning_a_colleague_lets_them_open_the_case(worker, signed_in):
    colleague = staff(Role.CASEWORKER, organisation=worker.organisation)
    case = new_case(worker)
    client = signed_in(colleague)
    assert client.get(f"/care/{case.pk}/").status_code == 404
    client.logout()
    owner = signed_in(worker)
    owner.post(f"/care/{case.pk}/act", {"action": "assign", "username": colleague.username})
    owner.logout()
    client = signed_in(colleague)
    assert client.get(f"/care/{case.pk}/").status_code == 200
    assert [row["id"] for row in client.get("/api/v1/care/cases").json()] == [case.pk]


def test_nul_characters_are_refused_with_the_field_named(worker, client):
    from jaring.identity.middleware import SESSION_KEY

    client.force_login(worker)
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    case = new_case(worker)
    response = client.post(f"/api/v1/care/cases/{case.pk}/transition",
                           {"action": "reopen", "reason": "a\x00b"},
                           content_type="application/json")
    assert response.status_code == 400 and "reason" in str(response.json())


def test_team_members_share_cases_and_others_do_not(worker, client):
    from jaring.care.models import Team
    from jaring.care.services import cases
    from jaring.identity.middleware import SESSION_KEY

    mate = staff(Role.CASEWORKER, organisation=worker.organisation)
    outsider = staff(Role.CASEWORKER, organisation=worker.organisation)
    team = Team.objects.create(organisation=worker.organisation, name="Night shift")
    team.members.add(worker, mate)
    case = new_case(worker)
    cases.set_team(worker, case, team)
    for user, status, listed in ((mate, 200, [case.pk]), (outsider, 404, [])):
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = True
        session.save()
        assert client.get(f"/care/{case.pk}/").status_code == status
        assert [c["id"] for c in client.get("/api/v1/care/cases").json()] == listed
