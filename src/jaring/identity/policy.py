"""The one authorization policy: every view and API operation asks it.

A decision depends on three things:

* the user's **role**, which grants a permission at a **scope**;
* the user's **country** (from their organisation) against the record's country;
* **ownership**: the record's owner or organisation against the user.

Permissions are declared once in :data:`PERMISSIONS` with the API-token scope
that must accompany them, and granted per role in :data:`GRANTS`. Domain parts
add their permissions here, so the whole access model reads in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jaring.identity.roles import Role


class Scope(IntEnum):
    """How far a grant reaches. Wider scopes include the narrower ones."""

    NONE = 0
    OWN = 1  # records the user owns
    TEAM = 2  # records of the user's team (records say who: ``policy_team_members``)
    ORGANISATION = 3  # records of the user's organisation
    COUNTRY = 4  # records of the user's country
    REGION = 5  # every member state's records


@dataclass(frozen=True)
class Permission:
    name: str
    description: str
    token_scope: str  # an API token must carry this scope to use the permission


PERMISSIONS: dict[str, Permission] = {
    p.name: p
    for p in [
        Permission("core.home", "See the home page and navigation", "reference:read"),
        Permission("reference.view", "Read reference data", "reference:read"),
        Permission("identity.organisation.view", "See organisations", "reference:read"),
        Permission("identity.user.view", "See user accounts", "admin"),
        Permission("identity.admin", "Manage organisations, users and reference data", "admin"),
        Permission("identity.token.own", "Create and revoke one's own API tokens", "admin"),
        Permission("audit.view", "Read the audit log", "admin"),
        Permission("intel.report.view", "Open your country's fraud reports in full", "intel:read"),
        Permission("intel.report.submit", "Submit and update fraud reports", "intel:write"),
        Permission(
            "intel.shared.view",
            "See other member states' reports and indicators as their sharing level allows",
            "intel:read",
        ),
        Permission("intel.alert.view", "Read your country's cross-border alerts", "intel:read"),
        Permission("intel.alert.update", "Mark alerts read, acknowledged or actioned",
                   "intel:write"),
        Permission("intel.link.manage", "Mark a link between reports as wrong", "intel:write"),
        Permission("intel.indicator.review", "Review indicators over the fan-out cap",
                   "intel:write"),
        Permission("intel.warninglist.view", "See the warninglist", "intel:read"),
        Permission("intel.warninglist.manage", "Edit the warninglist", "admin"),
        Permission("intel.exchange", "Import and export reports (CSV, JSON Lines, STIX, MISP)",
                   "intel:write"),
        Permission("care.case.view", "Open victim and survivor cases", "care:read"),
        Permission("care.case.create", "Register a new case", "care:write"),
        Permission("care.case.edit", "Screen, assess, plan, refer and record services",
                   "care:write"),
        Permission("care.case.approve", "Approve case plans and closures", "care:write"),
        Permission("care.case.supervise", "Read and write supervisor-only case fields",
                   "care:write"),
        Permission("care.consent.override", "Act without the matching consent, with a reason",
                   "care:write"),
        Permission("care.transfer.send", "Transfer a case to another member state",
                   "care:write"),
        Permission("care.transfer.receive", "Accept or decline transfers to one's organisation",
                   "care:write"),
        Permission("care.referral.respond", "Answer referrals to one's organisation",
                   "care:write"),
        Permission("care.provider.view", "See the service-provider directory", "care:read"),
        Permission("care.subject.access", "Export everything held on a person (access request)",
                   "care:read"),
        Permission("care.erase", "Anonymise a person on request", "care:write"),
        Permission("care.report.view", "Caseload and KPI figures", "care:read"),
        Permission("care.export", "Export de-identified case data (HTCDS)", "care:read"),
        Permission("overview.view",
                   "See the regional overview and country profiles: aggregate figures only",
                   "overview:read"),
        Permission("overview.report", "Produce the PDF progress and digital-security reports",
                   "overview:read"),
        Permission("merl.framework.view", "Browse the MERL results framework and scorecards",
                   "merl:read"),
        Permission("merl.framework.manage", "Edit indicators, disaggregations, targets and rules",
                   "admin"),
        Permission("merl.value.view", "See your country's MERL values, drafts included",
                   "merl:read"),
        Permission("merl.value.enter", "Enter and import MERL values for your country",
                   "merl:write"),
        Permission("merl.period.submit", "Submit your country's period for approval",
                   "merl:write"),
        Permission("merl.period.approve", "Approve (as national focal point) or unlock a period",
                   "merl:write"),
        Permission("merl.regional.review",
                   "Accept or unlock approved periods for the regional secretariat", "merl:write"),
        Permission("merl.learning.view", "Read the learning log", "merl:read"),
        Permission("merl.learning.manage", "Write lessons and recommendations, update follow-up",
                   "merl:write"),
    ]
}

TOKEN_SCOPES: dict[str, str] = {
    "reference:read": "Read reference data, organisations and one's own profile",
    "admin": "Administrative operations",
    "intel:read": "Read fraud intelligence, campaigns and alerts",
    "intel:write": "Submit fraud reports and act on alerts",
    "care:read": "Read victim and survivor cases and care figures",
    "care:write": "Work on victim and survivor cases",
    "overview:read": "Read the regional overview's aggregate figures and reports",
    "merl:read": "Read the MERL framework, values, scorecards and learning log",
    "merl:write": "Enter, import, submit and approve MERL values",
}

_INTEL_ANALYST = {
    "intel.report.view": Scope.COUNTRY,
    "intel.report.submit": Scope.COUNTRY,
    "intel.shared.view": Scope.REGION,
    "intel.alert.view": Scope.COUNTRY,
    "intel.alert.update": Scope.COUNTRY,
    "intel.link.manage": Scope.COUNTRY,
    "intel.indicator.review": Scope.REGION,
    "intel.warninglist.view": Scope.REGION,
    "intel.exchange": Scope.COUNTRY,
}

# A caseworker works on the cases they own, are assigned to, or their team holds;
# a supervisor sees the whole organisation's caseload and approves plans and closures.
_CASEWORKER = {
    "care.case.view": Scope.TEAM,
    "care.case.create": Scope.ORGANISATION,
    "care.case.edit": Scope.TEAM,
    "care.transfer.send": Scope.OWN,
    "care.transfer.receive": Scope.ORGANISATION,
    "care.referral.respond": Scope.ORGANISATION,
    "care.provider.view": Scope.REGION,
    "care.report.view": Scope.ORGANISATION,
}

_CASE_SUPERVISOR = {
    **_CASEWORKER,
    "care.case.view": Scope.ORGANISATION,
    "care.case.edit": Scope.ORGANISATION,
    "care.case.approve": Scope.ORGANISATION,
    "care.case.supervise": Scope.ORGANISATION,
    "care.consent.override": Scope.ORGANISATION,
    "care.transfer.send": Scope.ORGANISATION,
    "care.subject.access": Scope.ORGANISATION,
    "care.erase": Scope.ORGANISATION,
    "care.report.view": Scope.COUNTRY,
    "care.export": Scope.COUNTRY,
}

_MERL_READ = {
    "merl.framework.view": Scope.REGION,
    "merl.learning.view": Scope.REGION,
}

_ME_OFFICER = {
    **_MERL_READ,
    "merl.value.view": Scope.COUNTRY,
    "merl.value.enter": Scope.COUNTRY,
    "merl.period.submit": Scope.COUNTRY,
    "merl.learning.manage": Scope.COUNTRY,
    # Care figures and the de-identified export, never the cases themselves.
    "care.report.view": Scope.COUNTRY,
    "care.export": Scope.COUNTRY,
}

# The regional secretariat's acceptance is held by M&E approvers at REGION scope;
# jaring.merl.services also requires their organisation to be the secretariat, so a
# national focal point cannot accept their own country's figures (decision 0021).
_ME_APPROVER = {
    **_MERL_READ,
    "merl.value.view": Scope.COUNTRY,
    "merl.period.approve": Scope.COUNTRY,
    "merl.regional.review": Scope.REGION,
    "merl.learning.manage": Scope.COUNTRY,
}

_EVERYONE = {
    "core.home": Scope.REGION,
    "reference.view": Scope.REGION,
    "identity.organisation.view": Scope.REGION,
    "identity.token.own": Scope.OWN,
    # Aggregate figures only; each figure narrows itself to what the viewer may see.
    "overview.view": Scope.REGION,
    "overview.report": Scope.REGION,
}

GRANTS: dict[str, dict[str, Scope]] = {
    Role.ADMINISTRATOR: {
        **_EVERYONE,
        "identity.user.view": Scope.REGION,
        "identity.admin": Scope.REGION,
        "audit.view": Scope.REGION,
        "intel.warninglist.view": Scope.REGION,
        "intel.warninglist.manage": Scope.REGION,
        "intel.indicator.review": Scope.REGION,
        **_MERL_READ,
        "merl.framework.manage": Scope.REGION,
    },
    Role.INTEL_ANALYST: {**_EVERYONE, **_INTEL_ANALYST},
    Role.CASEWORKER: {**_EVERYONE, **_CASEWORKER},
    Role.CASE_SUPERVISOR: {**_EVERYONE, **_CASE_SUPERVISOR},
    Role.ME_OFFICER: {**_EVERYONE, **_ME_OFFICER},
    Role.ME_APPROVER: {**_EVERYONE, **_ME_APPROVER},
    Role.VIEWER: {**_EVERYONE, **_MERL_READ},
}


def _check_declared(permission: str) -> None:
    if permission not in PERMISSIONS:
        raise LookupError(f"undeclared permission {permission!r}")


def grant_scope(user: Any, permission: str) -> Scope:
    """The widest scope at which the user holds the permission."""
    _check_declared(permission)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.NONE
    token = getattr(user, "api_token", None)
    if token is not None and PERMISSIONS[permission].token_scope not in token.scopes:
        return Scope.NONE
    return GRANTS.get(user.role, {}).get(permission, Scope.NONE)


def _record_country(record: Any) -> str | None:
    if hasattr(record, "policy_country"):
        return record.policy_country()
    return getattr(record, "country_id", None)


def allowed(user: Any, permission: str, record: Any = None) -> bool:
    """May this user use this permission, on this record if one is given?"""
    scope = grant_scope(user, permission)
    if scope == Scope.NONE:
        return False
    if record is None or scope == Scope.REGION:
        return True
    country = _record_country(record)
    if scope == Scope.COUNTRY:
        return country is not None and country == user.country_code
    if scope == Scope.ORGANISATION:
        return getattr(record, "organisation_id", None) == user.organisation_id
    if (scope == Scope.TEAM and hasattr(record, "policy_team_members")
            and user.pk in record.policy_team_members()):
        return True
    if hasattr(record, "policy_owners"):  # records with co-owners, such as assigned cases
        return user.pk in record.policy_owners()
    return getattr(record, "owner_id", None) == user.pk


def scope_queryset(
    user: Any,
    permission: str,
    queryset: QuerySet,
    *,
    country_field: str = "country",
    organisation_field: str = "organisation",
    owner_field: str = "owner",
) -> QuerySet:
    """Narrow a queryset to the records the user may see under the permission."""
    scope = grant_scope(user, permission)
    if scope == Scope.REGION:
        return queryset
    if scope == Scope.COUNTRY and user.country_code:
        return queryset.filter(**{f"{country_field}_id": user.country_code})
    if scope == Scope.ORGANISATION and user.organisation_id:
        return queryset.filter(**{f"{organisation_field}_id": user.organisation_id})
    if scope in (Scope.OWN, Scope.TEAM):  # a part with teams narrows by team itself
        return queryset.filter(**{f"{owner_field}_id": user.pk})
    return queryset.none()


def country_filter(user: Any, permission: str, field: str = "country") -> Q | None:
    """A Q object for raw country scoping, or None when the user sees every country."""
    scope = grant_scope(user, permission)
    if scope == Scope.REGION:
        return None
    if scope >= Scope.COUNTRY and user.country_code:
        return Q(**{f"{field}_id": user.country_code})
    return Q(pk__in=[])


def check(
    user: Any,
    permission: str,
    record: Any = None,
    *,
    conceal: bool = False,
    request: Any = None,
) -> None:
    """Raise unless allowed; every refusal lands in the audit log.

    ``conceal`` answers 404 instead of 403, for records whose existence is itself
    sensitive (a victim's case in another country, for example).
    """
    if allowed(user, permission, record):
        return
    deny(user, permission, record, conceal=conceal, request=request)


def deny(
    user: Any,
    permission: str,
    record: Any = None,
    *,
    conceal: bool = False,
    request: Any = None,
) -> NoReturn:
    """Refuse, with an audit event: for record rules finer than role and country
    (such as who may decide on a flagged indicator), applied by the caller."""
    from jaring.audit.services import record_event

    record_event(
        action="access.denied",
        actor=user if getattr(user, "is_authenticated", False) else None,
        target=record,
        detail={"permission": permission},
        request=request,
    )
    if conceal:
        raise Http404
    raise PermissionDenied(permission)


def permissions_for(user: Any) -> Iterable[str]:
    return [name for name in PERMISSIONS if grant_scope(user, name) != Scope.NONE]
