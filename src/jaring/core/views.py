from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from jaring.core.decorators import AuthenticatedRequest, public, requires
from jaring.core.http import is_api
from jaring.identity import policy
from jaring.identity.models import Organisation
from jaring.identity.roles import Role

# What each role comes to Jaring for; the parts' own pages join these as they land.
ROLE_INTRODUCTIONS = {
    Role.ADMINISTRATOR: "Manage organisations, users, API tokens and reference data, "
    "and check the integrity of the audit log.",
    Role.INTEL_ANALYST: "Submit fraud reports and indicators, and follow the cross-border "
    "campaigns and alerts that involve your country.",
    Role.CASEWORKER: "Register and support fraud victims and trafficking survivors, "
    "with consent at every hand-off.",
    Role.CASE_SUPERVISOR: "Approve case plans and closures, and watch your team's caseload "
    "and overdue tasks.",
    Role.ME_OFFICER: "Enter and validate your country's indicator values for each period.",
    Role.ME_APPROVER: "Approve your country's indicator submissions as national focal point.",
    Role.VIEWER: "Read dashboards and published figures.",
}


@requires("core.home")
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "introduction": ROLE_INTRODUCTIONS.get(Role(user.role), ""),
            "role_label": Role(user.role).label,
            "organisation": user.organisation,
            "permissions": [policy.PERMISSIONS[p] for p in policy.permissions_for(user)],
        },
    )


@requires("identity.organisation.view")
def organisations(request: AuthenticatedRequest) -> HttpResponse:
    rows = policy.scope_queryset(
        request.user, "identity.organisation.view",
        Organisation.objects.select_related("country").filter(is_active=True),
    )
    return render(request, "core/organisations.html", {"organisations": rows})


@public
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@public
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's answer to a request it refuses before any view runs (a forged Host
    header, an unreadable form body): for the API in JSON, as the API documents
    every answer; elsewhere Django's own page."""
    if is_api(request):
        return JsonResponse({"detail": "bad request"}, status=400)
    return defaults.bad_request(request, exception)
