"""The care pages: case list, case page with tabs, overdue tasks, inbox, providers, reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jaring.audit.services import record_event
from jaring.care import charts, forms, queries, reporting
from jaring.care.models import CasePlan, CaseState, Consent, Referral, Task, Transfer
from jaring.care.personal import PersonalData
from jaring.care.screening import ILO_INDICATORS, PALERMO_ELEMENTS
from jaring.care.services import cases, consent, protection, referrals, transfers, workflow
from jaring.core.decorators import AuthenticatedRequest, requires
from jaring.identity import policy

PAGE = 50
TABS = ["person", "screening", "assessment", "plan", "referrals", "services", "consent",
        "history"]


@requires("care.case.view")
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.CaseFilterForm(request.GET or None)
    filters = queries.CaseFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.CaseFilters(state=data["state"], case_type=data["case_type"],
                                      risk_level=data["risk_level"], name=data["name"],
                                      document=data["document"], since=data["since"])
    rows = queries.case_list(request.user, filters)
    if form.is_bound and not form.is_valid():
        rows = rows.none()
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "care/case_list.html", {
        "form": form, "page": page, "rows": [queries.list_row(c) for c in page.object_list],
        "query": query.urlencode(),
        "can_create": policy.allowed(request.user, "care.case.create"),
    }, status=400 if form.errors else 200)


@requires("care.case.create")
@require_http_methods(["GET", "POST"])
def case_new(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = cases.register_case(
                request.user, case_type=data["case_type"],
                person=PersonalData.from_dict(form.personal()), sex=data["sex"],
                nationality=data["nationality"] or None, risk_level=data["risk_level"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Case {case.reference} registered.")
            return redirect("care:case", pk=case.pk)
    return render(request, "care/case_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@requires("care.case.view")
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opened = queries.open_case(request.user, pk, request=request)
    case = opened.case
    tab = request.GET.get("tab", "person")
    if tab not in TABS:
        tab = "person"
    user = request.user
    can_edit = policy.allowed(user, "care.case.edit", case) and not case.is_read_only
    latest = opened.screenings[0] if opened.screenings else None
    context: dict[str, Any] = {
        "o": opened, "case": case, "tab": tab, "tabs": TABS, "can_edit": can_edit,
        "can_approve": policy.allowed(user, "care.case.approve", case)
        and not case.is_read_only,
        "can_transfer": policy.allowed(user, "care.transfer.send", case) and case.is_open,
        "can_export": policy.allowed(user, "care.subject.access", case),
        "can_erase": policy.allowed(user, "care.erase", case) and case.anonymised_on is None,
        "screening_form": forms.ScreeningForm(),
        "latest_screening": latest,
        "indicator_labels": ILO_INDICATORS, "element_labels": PALERMO_ELEMENTS,
        "consent_form": forms.ConsentForm(), "assess_form": forms.AssessForm(),
        "plan_form": forms.PlanForm(),
        "service_form": forms.ServiceForm(country=case.country_id),
        "referral_form": forms.ReferralForm(country=case.country_id),
        "closure_form": forms.ClosureForm(), "reason_form": forms.ReasonForm(),
        "transfer_form": forms.TransferForm(country=case.country_id),
        "note_form": forms.NoteForm(initial={"note": opened.supervisor_note or ""}),
        "assigned": list(case.assigned.all()),
        "teams": list(case.organisation.care_teams.all()),
        "reports": list(case.fraud_reports.values_list("pk", "reference")),
        "pending_plan": next((p for p in opened.plans if p.approved_at is None), None),
        "states": CaseState,
    }
    return render(request, "care/case_detail.html", context)


def _case_action(user: Any, case: Any, action: str, post: Any) -> tuple[str, str]:
    """Run one form action from the case page; returns (tab, success message)."""

    def valid(form: Any) -> dict:
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        return form.cleaned_data

    def record(model: Any, key: str) -> Any:
        raw = post.get(key, "")
        if not str(raw).isdecimal():
            raise ValidationError({key: "missing or not a number"})
        return get_object_or_404(model, pk=int(raw), case=case)

    if action == "screen":
        screening_form = forms.ScreeningForm(post)
        valid(screening_form)
        indicators, elements = screening_form.answers()
        result = workflow.screen(user, case, indicators=indicators, elements=elements,
                                 override_reason=screening_form.cleaned_data["override_reason"])
        return "screening", f"Screening recorded: {result.get_result_display()}."
    if action == "consent":
        data = valid(forms.ConsentForm(post))
        consent.record_consent(user, case, purpose=data["purpose"], method=data["method"],
                               given_on=data["given_on"], fields=data["travel_fields"])
        return "consent", "Consent recorded."
    if action == "withdraw":
        consent.withdraw_consent(user, record(Consent, "consent"))
        return "consent", "Consent withdrawn."
    if action == "assess":
        data = valid(forms.AssessForm(post))
        workflow.assess(user, case, notes=data["notes"], risk_level=data["risk_level"])
        return "assessment", "Assessment recorded."
    if action == "plan":
        form = forms.PlanForm(post)
        valid(form)
        plan = workflow.propose_plan(user, case, form.goals())
        return "plan", f"Plan version {plan.version} proposed; a supervisor approves it."
    if action == "approve_plan":
        workflow.approve_plan(user, record(CasePlan, "plan"))
        return "plan", "Plan approved: services can start."
    if action == "service":
        data = valid(forms.ServiceForm(post, country=case.country_id))
        workflow.record_service(user, case, service_type=data["service_type"],
                                delivered_on=data["delivered_on"], provider=data["provider"],
                                note=data["note"])
        return "services", "Service recorded."
    if action == "refer":
        data = valid(forms.ReferralForm(post, country=case.country_id))
        referrals.refer(user, case, provider=data["provider"], service_type=data["service_type"],
                        note=data["note"], override_reason=data["override_reason"])
        return "referrals", "Referral sent."
    if action == "request_closure":
        data = valid(forms.ClosureForm(post))
        workflow.request_closure(user, case, reason=data["reason"])
        return "plan", "Closure requested; a supervisor approves it."
    if action == "approve_closure":
        workflow.approve_closure(user, case)
        return "plan", "Case closed; follow-ups at 3 and 6 months are scheduled."
    if action == "follow_up":
        workflow.start_follow_up(user, case)
        return "plan", "Follow-up started."
    if action == "reopen":
        workflow.reopen(user, case, reason=valid(forms.ReasonForm(post))["reason"])
        return "plan", "Case reopened."
    if action == "transfer":
        data = valid(forms.TransferForm(post, country=case.country_id))
        transfers.send_transfer(user, case, to_organisation=data["to_organisation"],
                                override_reason=data["override_reason"])
        return "history", "Transfer sent; the receiving organisation accepts or declines it."
    if action == "task_done":
        cases.complete_task(user, record(Task, "task"))
        return "person", "Task done."
    if action == "link_reports":
        raw = [part.strip() for part in post.get("reports", "").split(",") if part.strip()]
        if not raw or not all(part.isdecimal() for part in raw):
            raise ValidationError({"reports": "give report ids separated by commas"})
        cases.link_reports(user, case, [int(part) for part in raw])
        return "person", "Fraud reports linked."
    if action == "assign":
        from jaring.identity.models import User

        assignee = User.objects.filter(username=post.get("username", "").strip(),
                                       organisation_id=case.organisation_id).first()
        if assignee is None:
            raise ValidationError({"username": "no such user in the case's organisation"})
        removing = bool(post.get("remove"))
        cases.assign(user, case, assignee, remove=removing)
        return "person", f"{assignee.get_username()} {'removed' if removing else 'assigned'}."
    if action == "team":
        from jaring.care.models import Team

        raw = post.get("team", "")
        team = None
        if raw:
            team = Team.objects.filter(pk=int(raw) if str(raw).isdecimal() else 0,
                                       organisation_id=case.organisation_id).first()
            if team is None:
                raise ValidationError({"team": "no such team in the case's organisation"})
        cases.set_team(user, case, team)
        return "person", f"Team: {team.name if team else 'none'}."
    if action == "note":
        cases.set_supervisor_note(user, case, valid(forms.NoteForm(post))["note"])
        return "assessment", "Supervisor note saved."
    if action == "erase":
        protection.erase(user, case, reason=valid(forms.ReasonForm(post))["reason"])
        return "person", "The person's data is erased; the case stays in the statistics."
    raise ValidationError({"action": f"unknown action {action!r}"})


@requires("care.case.edit")
@require_POST
def case_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = queries.find_case(pk)
    policy.check(request.user, "care.case.view", case, conceal=True, request=request)
    action = request.POST.get("action", "")
    tab = "person"
    try:
        tab, message = _case_action(request.user, case, action, request.POST)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" if k and k != "__all__"
                                          else " ".join(v) for k, v in errors.items()))
    else:
        messages.success(request, message)
    return redirect(f"{reverse('care:case', args=[case.pk])}?tab={tab}")


@requires("care.subject.access")
def access_request(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("json", "pdf"):
        raise Http404
    case = queries.find_case(pk)
    policy.check(request.user, "care.subject.access", case, conceal=True, request=request)
    document = protection.access_request(request.user, case)
    if fmt == "json":
        response: HttpResponse = JsonResponse(document, json_dumps_params={
            "ensure_ascii": False, "indent": 1})
    else:
        from jaring.care.pdf import subject_pdf

        response = HttpResponse(subject_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}.{fmt}"'
    return response


@requires("care.case.view")
def overdue(request: AuthenticatedRequest) -> HttpResponse:
    tasks = list(queries.overdue_tasks(request.user)[:500])
    return render(request, "care/overdue.html", {"tasks": tasks})


@requires("care.transfer.receive")
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    incoming, outgoing = queries.transfer_inbox(request.user)
    for t in incoming:
        if t.state == Transfer.State.SENT:
            t.summary = queries.package_summary(t)  # type: ignore[attr-defined]
    referral_rows = list(queries.referral_inbox(request.user))
    for r in referral_rows:
        r.answerable = policy.allowed(request.user, "care.referral.respond", r)  # type: ignore
    return render(request, "care/inbox.html", {
        "referrals": referral_rows, "incoming": incoming, "outgoing": outgoing,
        "reason_form": forms.ReasonForm(),
    })


def _answer(request: AuthenticatedRequest, answer: Callable[[], Any], done: str) -> HttpResponse:
    try:
        answer()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("care:inbox")


@requires("care.referral.respond")
@require_POST
def referral_state(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.select_related("provider", "case"), pk=pk)
    state = request.POST.get("state", "")
    return _answer(request, lambda: referrals.answer_referral(request.user, referral, state),
                   f"Referral {state}.")


@requires("care.transfer.receive")
@require_POST
def transfer_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer.objects.select_related("case", "to_organisation"),
                                 pk=pk)
    policy.check(request.user, "care.transfer.receive", transfer, conceal=True, request=request)
    accept = request.POST.get("decision") == "accept"
    return _answer(request, lambda: transfers.answer_transfer(
        request.user, transfer, accept=accept, reason=request.POST.get("reason", "")),
        "Transfer accepted: the case is now yours." if accept else "Transfer declined.")


@requires("care.provider.view")
def providers(request: AuthenticatedRequest) -> HttpResponse:
    from jaring.care.models import ServiceProvider

    rows = ServiceProvider.objects.filter(is_active=True).select_related("country")
    country = request.GET.get("country", "")
    if country:
        rows = rows.filter(country_id=country.upper()[:2])
    return render(request, "care/providers.html", {"providers": rows[:1000],
                                                    "country": country})


@requires("care.report.view")
def report(request: AuthenticatedRequest) -> HttpResponse:
    rows = reporting.kpis(request.user)
    record_event("care.report.view", actor=request.user, request=request)
    return render(request, "care/report.html", {
        "rows": rows, "can_export": policy.allowed(request.user, "care.export")})


@requires("care.report.view")
def report_csv(request: AuthenticatedRequest) -> HttpResponse:
    response = HttpResponse(reporting.to_csv(reporting.kpis(request.user),
                                             reporting.KPI_COLUMNS), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="care-kpis.csv"'
    return response


@requires("care.report.view")
def report_chart(request: AuthenticatedRequest, name: str) -> JsonResponse:
    if name not in charts.CHARTS:
        raise Http404
    return JsonResponse(charts.CHARTS[name](reporting.kpis(request.user)))


@requires("care.export")
def htcds(request: AuthenticatedRequest) -> HttpResponse:
    cases_seen = queries.visible_cases(request.user, "care.export")
    rows = list(reporting.htcds_rows(cases_seen))
    record_event("care.export.htcds", actor=request.user, request=request,
                 detail={"rows": len(rows)})
    response = HttpResponse(reporting.to_csv(rows, reporting.HTCDS_COLUMNS),
                            content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="care-htcds.csv"'
    return response
