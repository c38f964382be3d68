from datetime import date

import pytest
from django.contrib.auth import authenticate

from jaring.audit.models import AuditEvent
from jaring.audit.services import verify_chain
from jaring.demo import generator as generator_module
from jaring.demo.accounts import ACCOUNT_COUNTRIES, NATIONAL_ACCOUNTS, ORGANISATIONS
from jaring.demo.generator import DEMO_PASSWORD, DemoGenerator, demo_step
from jaring.identity.models import Organisation, User
from jaring.identity.roles import OrganisationKind, Role
from jaring.reference.seed import MEMBER_STATE_CODES


@pytest.fixture
def built(db):
    gen = DemoGenerator(seed=3, today=date(2026, 1, 15))
    gen.build()
    return gen


def test_organisations_in_every_member_state(built):
    assert set(ORGANISATIONS) == set(MEMBER_STATE_CODES)
    for country in MEMBER_STATE_CODES:
        kinds = set(Organisation.objects.filter(country_id=country).values_list("kind", flat=True))
        assert kinds == {OrganisationKind.ANTI_SCAM_CENTRE, OrganisationKind.POLICE,
                         OrganisationKind.SOCIAL_WELFARE, OrganisationKind.NGO}, country
    asec = Organisation.objects.get(short_name="ASEC")
    assert asec.country_id is None and asec.kind == OrganisationKind.REGIONAL_SECRETARIAT


def test_one_account_per_role_in_each_account_country(built):
    for country in ACCOUNT_COUNTRIES:
        for role, prefix, kind in NATIONAL_ACCOUNTS:
            user = User.objects.get(username=f"{prefix}.{country.lower()}")
            assert user.role == role
            assert user.organisation.country_id == country
            assert user.organisation.kind == kind
    assert len(ACCOUNT_COUNTRIES) >= 5
    assert User.objects.get(username="admin").role == Role.ADMINISTRATOR
    approver = User.objects.get(username="asec.approver")
    assert approver.role == Role.ME_APPROVER and approver.is_regional
    assert User.objects.get(username="asec.viewer").role == Role.VIEWER
    printed = {account.username for account in built.accounts}
    assert printed == set(User.objects.values_list("username", flat=True))


def test_demo_password_signs_in(built):
    assert authenticate(username="caseworker.th", password=DEMO_PASSWORD) is not None
    assert authenticate(username="caseworker.th", password="wrong password!") is None


def test_build_writes_an_intact_audit_trail(built):
    assert AuditEvent.objects.filter(action="user.create").count() == User.objects.count()
    assert AuditEvent.objects.filter(action="demo.build").exists()
    assert verify_chain().ok


def test_medium_scale_adds_staff(db):
    gen = DemoGenerator(seed=3, scale="medium")
    gen.build_platform()
    national = Organisation.objects.exclude(country=None).count()
    printed = len(gen.accounts)
    assert User.objects.count() == printed + national * (gen.factor - 1)
    assert len(set(User.objects.values_list("username", flat=True))) == User.objects.count()
    # Staff names fit their country: a Thai organisation's staff have Thai names.
    thai_staff = User.objects.filter(organisation__country_id="TH").exclude(
        username__endswith=".th")
    from jaring.demo.names import STYLES

    thai_given = {given for style, _ in STYLES["TH"] for given, _, _ in style.given}
    assert thai_staff.exists()
    assert all(user.first_name in thai_given for user in thai_staff)


def test_unknown_scale_is_a_clear_error():
    with pytest.raises(ValueError, match="scale"):
        DemoGenerator(scale="huge")


def test_steps_run_in_order_with_their_own_random_stream(db):
    seen = []

    @demo_step("zz.test", "Test step", order=900)
    def later(gen, rng, progress):
        progress.total(1)
        seen.append(("later", rng.random(), len(gen.organisations)))
        progress.advance()

    try:
        gen = DemoGenerator(seed=11)
        names = [step.name for step in gen.steps()]
        assert names.index("platform.accounts") < names.index("zz.test")
        gen.build(only=["platform.accounts", "zz.test"])
        # The step saw the platform's organisations, and its random numbers depend
        # only on the seed and its own name, not on the steps before it.
        assert seen == [("later", DemoGenerator(seed=11).rng("zz.test").random(), 45)]
        assert DemoGenerator(seed=12).rng("zz.test").random() != seen[0][1]
    finally:
        generator_module._STEPS.pop("zz.test")


def test_a_step_name_cannot_be_registered_twice():
    @demo_step("zz.twice", "Once")
    def first(gen, rng, progress):
        pass

    try:
        with pytest.raises(ValueError, match="twice"):
            demo_step("zz.twice", "Again")(lambda gen, rng, progress: None)
    finally:
        generator_module._STEPS.pop("zz.twice")
