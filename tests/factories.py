"""factory_boy factories for the platform; each domain part adds its own module."""

from __future__ import annotations

import factory

from jaring.identity.models import Organisation, User
from jaring.identity.roles import OrganisationKind, Role

TEST_PASSWORD = "a-long-test-passphrase"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("country_id", "short_name")

    country_id = "SG"
    kind = OrganisationKind.ANTI_SCAM_CENTRE
    short_name = factory.LazyAttribute(lambda o: f"{o.kind[:6].upper()}-{o.country_id or 'XR'}")
    name = factory.LazyAttribute(lambda o: f"{o.kind.replace('_', ' ').title()} {o.country_id}")


class RegionalOrganisationFactory(OrganisationFactory):
    country_id = None
    kind = OrganisationKind.REGIONAL_SECRETARIAT
    short_name = "ASEC"
    name = "ASEAN Secretariat"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.VIEWER
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = factory.LazyAttribute(lambda u: u.role == Role.ADMINISTRATOR)
    is_superuser = factory.LazyAttribute(lambda u: u.role == Role.ADMINISTRATOR)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


ORGANISATION_KIND_FOR_ROLE = {
    Role.ADMINISTRATOR: OrganisationKind.ANTI_SCAM_CENTRE,
    Role.INTEL_ANALYST: OrganisationKind.ANTI_SCAM_CENTRE,
    Role.CASEWORKER: OrganisationKind.SOCIAL_WELFARE,
    Role.CASE_SUPERVISOR: OrganisationKind.SOCIAL_WELFARE,
    Role.ME_OFFICER: OrganisationKind.SOCIAL_WELFARE,
    Role.ME_APPROVER: OrganisationKind.SOCIAL_WELFARE,
    Role.VIEWER: OrganisationKind.POLICE,
}


def make_user(role: str, country: str | None = "SG", **kwargs) -> User:
    """A user of a role in a country (None: the regional secretariat)."""
    if country is None:
        organisation = RegionalOrganisationFactory()
    else:
        organisation = OrganisationFactory(country_id=country,
                                           kind=ORGANISATION_KIND_FOR_ROLE[role])
    return UserFactory(role=role, organisation=organisation, **kwargs)


def make_bearer(role: str, scopes: list[str], country: str | None = "SG") -> dict[str, str]:
    """Headers for a new user's API token with these scopes."""
    from jaring.identity import services

    issued = services.create_token(make_user(role, country), name=f"{role} token",
                                   scopes=scopes)
    return {"Authorization": f"Bearer {issued.secret}"}
