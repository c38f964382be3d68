from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from jaring.identity import policy
from jaring.identity.models import Organisation, User
from jaring.identity.schemas import MeOut, OrganisationOut

router = Router(tags=["identity"])


def _organisation_out(org: Organisation) -> OrganisationOut:
    return OrganisationOut(
        id=org.pk, name=org.name, short_name=org.short_name, kind=org.kind, country=org.country_id
    )


@router.get("/me", response=MeOut, summary="The calling user, their organisation and permissions")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    policy.check(user, "core.home", request=request)
    assert isinstance(user, User)  # the policy refused anonymous callers
    token = getattr(user, "api_token", None)
    return MeOut(
        username=user.get_username(),
        role=user.role,
        organisation=_organisation_out(user.organisation) if user.organisation else None,
        country=user.country_code,
        permissions=list(policy.permissions_for(user)),
        token_scopes=token.scopes if token else None,
        token_expires_at=token.expires_at if token else None,
    )


@router.get("/organisations", response=list[OrganisationOut], summary="Active organisations")
def organisations(request: HttpRequest, country: str | None = None) -> list[OrganisationOut]:
    policy.check(request.user, "identity.organisation.view", request=request)
    rows = policy.scope_queryset(
        request.user, "identity.organisation.view", Organisation.objects.filter(is_active=True)
    )
    if country:
        rows = rows.filter(country_id=country.upper())
    return [_organisation_out(org) for org in rows]
