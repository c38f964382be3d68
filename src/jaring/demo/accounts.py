"""The platform's demo step: organisations in every member state, and sign-in accounts.

Organisation names are illustrative. Several follow the names of real national
bodies so that the demo reads plausibly, but nothing here describes how any of
them is organised or that any of them uses Jaring; NGO names are invented.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from jaring.demo.generator import DEMO_PASSWORD, DemoAccount, DemoGenerator, StepProgress, demo_step
from jaring.demo.names import ascii_fold
from jaring.identity.roles import OrganisationKind as Kind
from jaring.identity.roles import Role

# country -> kind -> (name, short name)
ORGANISATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "BN": {
        Kind.ANTI_SCAM_CENTRE: ("National Anti-Scam Centre Brunei", "NASC"),
        Kind.POLICE: ("Royal Brunei Police Force, Commercial Crime Investigation Department",
                      "RBPF CCID"),
        Kind.SOCIAL_WELFARE: ("Department of Community Development (JAPEM)", "JAPEM"),
        Kind.NGO: ("Brunei Survivor Support Network", "BSSN"),
    },
    "KH": {
        Kind.ANTI_SCAM_CENTRE: ("Cambodia Anti-Online Scam Centre", "CAOSC"),
        Kind.POLICE: ("General Commissariat of National Police, Anti-Cybercrime Department",
                      "GCNP ACD"),
        Kind.SOCIAL_WELFARE: ("Ministry of Social Affairs, Veterans and Youth Rehabilitation",
                              "MoSVY"),
        Kind.NGO: ("Phnom Penh Survivor Care Association", "PPSCA"),
    },
    "ID": {
        Kind.ANTI_SCAM_CENTRE: ("Indonesia Anti-Scam Centre (IASC)", "IASC"),
        Kind.POLICE: ("Bareskrim Polri, Directorate of Cyber Crime", "Dittipidsiber"),
        Kind.SOCIAL_WELFARE: ("Ministry of Social Affairs (Kemensos)", "Kemensos"),
        Kind.NGO: ("Yayasan Pendamping Korban Penipuan", "YPKP"),
    },
    "LA": {
        Kind.ANTI_SCAM_CENTRE: ("Lao Anti-Online Fraud Centre", "LAOFC"),
        Kind.POLICE: ("Ministry of Public Security, Cybercrime Division", "MPS CCD"),
        Kind.SOCIAL_WELFARE: ("Ministry of Labour and Social Welfare (MoLSW)", "MoLSW"),
        Kind.NGO: ("Vientiane Returnee Support Association", "VRSA"),
    },
    "MY": {
        Kind.ANTI_SCAM_CENTRE: ("National Scam Response Centre (NSRC)", "NSRC"),
        Kind.POLICE: ("Royal Malaysia Police, Commercial Crime Investigation Department",
                      "PDRM CCID"),
        Kind.SOCIAL_WELFARE: ("Department of Social Welfare (JKM)", "JKM"),
        Kind.NGO: ("Persatuan Bantuan Mangsa Penipuan", "PBMP"),
    },
    "MM": {
        Kind.ANTI_SCAM_CENTRE: ("Myanmar Anti-Online Scam Centre", "MAOSC"),
        Kind.POLICE: ("Myanmar Police Force, Cybercrime Division", "MPF CCD"),
        Kind.SOCIAL_WELFARE: ("Department of Social Welfare", "DSW"),
        Kind.NGO: ("Yangon Returnee Support Group", "YRSG"),
    },
    "PH": {
        Kind.ANTI_SCAM_CENTRE: ("Cybercrime Investigation and Coordinating Center (CICC)",
                                "CICC"),
        Kind.POLICE: ("Philippine National Police Anti-Cybercrime Group", "PNP-ACG"),
        Kind.SOCIAL_WELFARE: ("Department of Social Welfare and Development (DSWD)", "DSWD"),
        Kind.NGO: ("Bayanihan Survivor Support Foundation", "BSSF"),
    },
    "SG": {
        Kind.ANTI_SCAM_CENTRE: ("Anti-Scam Command", "ASCom"),
        Kind.POLICE: ("Singapore Police Force, Criminal Investigation Department", "SPF CID"),
        Kind.SOCIAL_WELFARE: ("Ministry of Social and Family Development (MSF)", "MSF"),
        Kind.NGO: ("Scam Survivors Support Network", "SSSN"),
    },
    "TH": {
        Kind.ANTI_SCAM_CENTRE: ("Anti Online Scam Operation Center (AOC)", "AOC"),
        Kind.POLICE: ("Cyber Crime Investigation Bureau (CCIB)", "CCIB"),
        Kind.SOCIAL_WELFARE: ("Ministry of Social Development and Human Security (MSDHS)",
                              "MSDHS"),
        Kind.NGO: ("Mekong Survivor Care Foundation", "MSCF"),
    },
    "TL": {
        Kind.ANTI_SCAM_CENTRE: ("Timor-Leste Anti-Fraud Coordination Unit", "TLAFCU"),
        Kind.POLICE: ("PNTL Cybercrime Unit", "PNTL CCU"),
        Kind.SOCIAL_WELFARE: ("Ministry of Social Solidarity and Inclusion (MSSI)", "MSSI"),
        Kind.NGO: ("Fundasaun Apoiu Vítima", "FAV"),
    },
    "VN": {
        Kind.ANTI_SCAM_CENTRE: ("Viet Nam National Anti-Online-Fraud Centre", "VNAFC"),
        Kind.POLICE: ("Department of Cybersecurity and High-Tech Crime Prevention (A05)",
                      "A05"),
        Kind.SOCIAL_WELFARE: ("Ministry of Labour, Invalids and Social Affairs (MOLISA)",
                              "MOLISA"),
        Kind.NGO: ("Hanoi Victim Support Centre", "HVSC"),
    },
}
REGIONAL = ("ASEAN Secretariat", "ASEC")

# Member states with a printed account for every role.
ACCOUNT_COUNTRIES = ("SG", "MY", "TH", "PH", "ID")

# role -> (username prefix, kind of organisation the account belongs to)
NATIONAL_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    (Role.INTEL_ANALYST, "analyst", Kind.ANTI_SCAM_CENTRE),
    (Role.CASEWORKER, "caseworker", Kind.SOCIAL_WELFARE),
    (Role.CASE_SUPERVISOR, "supervisor", Kind.SOCIAL_WELFARE),
    (Role.ME_OFFICER, "meofficer", Kind.SOCIAL_WELFARE),
    (Role.ME_APPROVER, "meapprover", Kind.ANTI_SCAM_CENTRE),
    (Role.VIEWER, "viewer", Kind.POLICE),
)

# Roles given to further staff at medium and large scale, by kind of organisation.
STAFF_ROLES: dict[str, tuple[str, ...]] = {
    Kind.ANTI_SCAM_CENTRE: (Role.INTEL_ANALYST, Role.INTEL_ANALYST, Role.ME_OFFICER, Role.VIEWER),
    Kind.POLICE: (Role.INTEL_ANALYST, Role.VIEWER),
    Kind.SOCIAL_WELFARE: (Role.CASEWORKER, Role.CASEWORKER, Role.CASE_SUPERVISOR,
                          Role.ME_OFFICER),
    Kind.NGO: (Role.CASEWORKER, Role.CASEWORKER, Role.CASE_SUPERVISOR),
}


def _email_local(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "." for ch in ascii_fold(text).lower())
    return ".".join(part for part in cleaned.split(".") if part)


def demo_password_hash(seed: int) -> str:
    """The demo password hashed once, with a salt fixed by the seed.

    Argon2 is slow on purpose (tens of milliseconds per hash); hashing the same
    password for every demo account would make a large demo take minutes. The
    fixed salt also keeps the database identical for the same seed. Never do
    this outside the demo: every account shares one password.
    """
    from django.contrib.auth.hashers import make_password

    salt = hashlib.sha256(f"jaring-demo-salt:{seed}".encode()).hexdigest()[:22]
    return make_password(DEMO_PASSWORD, salt=salt)


@demo_step("platform.accounts", "Organisations and users", order=100)
def build_platform(gen: DemoGenerator, rng: random.Random, progress: StepProgress) -> None:
    from jaring.audit.services import record_event
    from jaring.identity.models import User
    from jaring.identity.services import create_organisation, create_user

    extra_per_org = 0 if gen.factor == 1 else gen.factor - 1
    national_orgs = sum(len(kinds) for kinds in ORGANISATIONS.values())
    progress.total(
        national_orgs + 1 + len(ACCOUNT_COUNTRIES) * len(NATIONAL_ACCOUNTS) + 3
        + national_orgs * extra_per_org
    )
    taken: set[str] = set()

    def add_user(username: str, role: str, organisation: Any, country: str | None,
                 printed: bool, person: Any = None) -> Any:
        if person is None:
            # Regional staff come from any member state.
            person = gen.person(country or rng.choice(sorted(ORGANISATIONS)), rng)
        last_name = f"{person.connector} {person.family}".strip()
        user = create_user(
            username=username, password=None, role=role, organisation=organisation,
            email=f"{username}@example.org", first_name=person.given, last_name=last_name,
        )
        taken.add(username)
        gen.users.append(user)
        if printed:
            gen.accounts.append(DemoAccount(
                username=username, role=role,
                organisation=organisation.short_name if organisation else "—",
                country=country or ("regional" if organisation else "—"),
            ))
        progress.advance()
        return user

    for country in sorted(ORGANISATIONS):
        for kind, (name, short_name) in ORGANISATIONS[country].items():
            gen.organisations[(country, kind)] = create_organisation(
                name=name, short_name=short_name, kind=kind, country_code=country,
                contact_email=f"contact.{_email_local(short_name)}.{country.lower()}@example.org",
            )
            progress.advance()
    asec = create_organisation(
        name=REGIONAL[0], short_name=REGIONAL[1], kind=Kind.REGIONAL_SECRETARIAT,
        country_code=None, contact_email="contact.asec@example.org",
    )
    gen.organisations[("", Kind.REGIONAL_SECRETARIAT)] = asec
    progress.advance()

    add_user("admin", Role.ADMINISTRATOR, None, None, printed=True)
    add_user("asec.approver", Role.ME_APPROVER, asec, None, printed=True)
    add_user("asec.viewer", Role.VIEWER, asec, None, printed=True)
    for country in ACCOUNT_COUNTRIES:
        for role, prefix, kind in NATIONAL_ACCOUNTS:
            add_user(f"{prefix}.{country.lower()}", role, gen.organisation(country, kind),
                     country, printed=True)

    for (country, kind), organisation in sorted(gen.organisations.items()):
        if not country:
            continue
        for _ in range(extra_per_org):
            person = gen.person(country, rng)
            base = _email_local(f"{person.given}.{person.family}") or "staff"
            username, n = base, 2
            while username in taken:
                username, n = f"{base}{n}", n + 1
            add_user(username, rng.choice(STAFF_ROLES[kind]), organisation, country,
                     printed=False, person=person)

    password_hash = demo_password_hash(gen.seed)
    ids = [user.pk for user in gen.users]
    User.objects.filter(pk__in=ids).update(password=password_hash)
    record_event("demo.passwords_set", detail={"users": len(ids)})
