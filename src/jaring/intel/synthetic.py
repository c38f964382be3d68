"""Synthetic fraud reports for the demo, trials and benchmarks (``jaring intel generate``).

The shape of the data follows what anti-scam centres in the region describe:
syndicates run from compounds in a few countries, target victims in several
others, and reuse mule bank accounts, local SIM numbers, USDT wallets on TRON
and look-alike domains across many reports; many reports are one-offs; values
arrive messily formatted; and some are harmless values (a bank's own hotline, a
platform's domain) that must never link reports. Everything is deterministic
for a seed.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import base58

from jaring.demo import names, phones, text
from jaring.demo.accounts import ORGANISATIONS
from jaring.identity.roles import OrganisationKind
from jaring.intel.indicators import normalise

# Relative report volumes, roughly following population and internet use.
COUNTRY_WEIGHTS = {
    "ID": 20, "PH": 15, "VN": 15, "TH": 14, "MY": 12, "SG": 10,
    "KH": 4, "MM": 3, "LA": 2, "BN": 1, "TL": 1,
}
# Where the compounds are reported to be; their syndicates reach across the region.
COMPOUND_COUNTRIES = ["KH", "MM", "LA"]

# Records name the anti-scam centres of the demo accounts, so a generated file
# imports straight into a demo database.
ORGANISATION = {c: ORGANISATIONS[c][OrganisationKind.ANTI_SCAM_CENTRE][1] for c in COUNTRY_WEIGHTS}

CURRENCY = {
    "BN": "BND", "KH": "USD", "ID": "IDR", "LA": "LAK", "MY": "MYR", "MM": "MMK",
    "PH": "PHP", "SG": "SGD", "TH": "THB", "TL": "USD", "VN": "VND",
}
# Typical loss per report in US dollars, and units of local currency per dollar.
TYPICAL_LOSS_USD = {"investment": 9000, "romance": 12000, "job": 1500, "loan": 400}
UNITS_PER_USD = {
    "BND": 1.3, "IDR": 16000, "LAK": 21000, "MYR": 4.5, "MMK": 2100, "PHP": 57,
    "SGD": 1.3, "THB": 35, "USD": 1, "VND": 25000,
}

BANKS = {
    "SG": ["DBS", "OCBC", "UOB"], "MY": ["Maybank", "CIMB", "Public Bank", "RHB"],
    "ID": ["BCA", "BRI", "Mandiri", "BNI"], "TH": ["Kasikorn", "SCB", "Krungthai", "Bangkok Bank"],
    "PH": ["BDO", "BPI", "Metrobank"], "VN": ["Vietcombank", "Techcombank", "BIDV"],
}
EWALLETS = {
    "PH": ["GCash", "Maya"], "ID": ["DANA", "OVO", "GoPay"], "TH": ["TrueMoney"],
    "VN": ["MoMo"], "MY": ["Touch 'n Go"],
}
SCAM_MIX = [
    ("investment", 22), ("romance", 10), ("job", 16), ("phishing", 12),
    ("impersonation", 12), ("online_shopping", 12), ("loan", 5), ("sextortion", 3),
    ("prize", 3), ("tech_support", 2), ("bec", 1), ("other", 2),
]
CHANNELS = {
    "investment": ["whatsapp", "telegram", "facebook", "website"],
    "romance": ["dating_app", "facebook", "instagram", "whatsapp"],
    "job": ["whatsapp", "telegram", "tiktok", "sms"],
    "phishing": ["sms", "email", "website"],
    "impersonation": ["call", "whatsapp", "line", "zalo"],
    "online_shopping": ["facebook", "tiktok", "instagram", "website"],
}
BRANDS = ["dbs", "maybank2u", "bca", "kbank", "gcash", "vcb", "shopee", "lazada", "grab"]
LOOKALIKE_SUFFIXES = ["-secure", "-verify", "-login", "-support", "-rewards", "-my"]
TLDS = ["com", "net", "top", "xyz", "cc", "vip", "online", "site"]

# Harmless values that real reports mention and that must never link them.
WARNINGLIST = [
    ("url", "https://www.facebook.com/", "A platform's own home page"),
    ("domain", "t.me", "Telegram's link domain, named in many reports"),
    ("email", "noreply@gmail.com", "Placeholder address"),
]
# Some reports carry these noise values, so the warninglist visibly matters.
NOISE_VALUES = [("url", "https://www.facebook.com/"), ("domain", "t.me")]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]] | dict[str, int]) -> str:
    items = list(pairs.items()) if isinstance(pairs, dict) else pairs
    total = sum(w for _, w in items)
    pick = rng.uniform(0, total)
    for item, weight in items:
        pick -= weight
        if pick <= 0:
            return item
    return items[-1][0]


def tron_address(rng: random.Random) -> str:
    return base58.b58encode_check(b"\x41" + rng.randbytes(20)).decode()


def eth_address(rng: random.Random) -> str:
    return "0x" + rng.randbytes(20).hex()


def messy_phone(phone: phones.DemoPhone, rng: random.Random) -> str:
    """The way people type numbers into a report form."""
    style = rng.randrange(4)
    if style == 0:
        return phone.national
    if style == 1:
        return phone.international
    if style == 2:
        return phone.e164
    return phone.national.replace(" ", "-")


@dataclass
class Syndicate:
    number: int
    base: str
    targets: list[str]
    scam_types: list[str]
    phones: list[phones.DemoPhone] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (country, kind, value)
    wallets: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)


def _lookalike(rng: random.Random) -> str:
    brand = rng.choice(BRANDS)
    return f"{brand}{rng.choice(LOOKALIKE_SUFFIXES)}{rng.randrange(10, 99)}.{rng.choice(TLDS)}"


def make_syndicate(number: int, rng: random.Random) -> Syndicate:
    base = rng.choice(COMPOUND_COUNTRIES)
    others = [c for c in COUNTRY_WEIGHTS if c != base]
    targets = rng.sample(others, rng.randint(2, 4))
    types = rng.sample([s for s, _ in SCAM_MIX[:6]], 2)
    s = Syndicate(number, base, targets, types)
    for country in targets:
        for _ in range(rng.randint(1, 3)):
            s.phones.append(phones.mobile_number(country, rng))
        if country in BANKS:
            for _ in range(rng.randint(1, 3)):
                bank = rng.choice(BANKS[country])
                digits = "".join(str(rng.randrange(10)) for _ in range(rng.randint(10, 14)))
                s.accounts.append((country, "bank_account", f"{bank} {digits}"))
        if country in EWALLETS and rng.random() < 0.6:
            provider = rng.choice(EWALLETS[country])
            s.accounts.append((country, "ewallet",
                               f"{provider}:{phones.mobile_number(country, rng).e164}"))
    s.wallets = [tron_address(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        s.wallets.append(eth_address(rng))
    s.domains = [_lookalike(rng) for _ in range(rng.randint(1, 3))]
    s.handles = [f"{rng.choice(['vip', 'invest', 'job', 'mentor', 'lucky'])}_"
                 f"{rng.choice(['asia', 'trade', 'cash', 'gold', 'usdt'])}{rng.randrange(100, 999)}"
                 for _ in range(rng.randint(1, 2))]
    return s


def _indicator(kind: str, value: str, role: str | None = None, hint: str | None = None) -> dict:
    item = {"kind": kind, "value": value}
    if role:
        item["role"] = role
    if hint:
        item["hint"] = hint
    return item


def _ewallet_item(value: str) -> dict:
    provider, _, number = value.partition(":")
    return _indicator("ewallet", number, hint=provider)


def syndicate_indicators(s: Syndicate, victim_country: str, rng: random.Random) -> list[dict]:
    out: list[dict] = []
    if rng.random() < 0.8:
        phone = rng.choice([p for p in s.phones if p.country == victim_country] or s.phones)
        # A foreign number reaches the victim in international form.
        shown = messy_phone(phone, rng) if phone.country == victim_country else phone.international
        out.append(_indicator("phone", shown, "caller"))
    local_accounts = [a for a in s.accounts if a[0] == victim_country] or s.accounts
    if local_accounts and rng.random() < 0.7:
        country, kind, value = rng.choice(local_accounts)
        if kind == "ewallet":
            out.append(_ewallet_item(value))
        else:
            # A foreign account reaches the victim with its bank's SWIFT code.
            shown = value if country == victim_country else \
                normalise(kind, value, country=country).value
            out.append(_indicator(kind, shown))
    if rng.random() < 0.5:
        out.append(_indicator("crypto_wallet", rng.choice(s.wallets)))
    if rng.random() < 0.4:
        domain = rng.choice(s.domains)
        url = f"https://{domain}/{rng.choice(['login', 'app', 'invest', 'claim'])}"
        if rng.random() < 0.3:
            url = url.replace("https", "hxxps").replace(".", "[.]", 1)
        out.append(_indicator("url", url))
    if rng.random() < 0.4 or not out:
        out.append(_indicator("social_handle", "@" + rng.choice(s.handles), hint="telegram"))
    return out


def one_off_indicators(country: str, rng: random.Random) -> list[dict]:
    out = [_indicator("phone", messy_phone(phones.mobile_number(country, rng), rng), "caller")]
    if country in BANKS and rng.random() < 0.6:
        digits = "".join(str(rng.randrange(10)) for _ in range(12))
        out.append(_indicator("bank_account", f"{rng.choice(BANKS[country])} {digits}"))
    if rng.random() < 0.3:
        out.append(_indicator("url", f"http://{_lookalike(rng)}/"))
    if rng.random() < 0.2:
        mailbox = f"{rng.choice(['support', 'admin', 'hr'])}.{rng.randrange(1000, 9999)}"
        out.append(_indicator("email", f"{mailbox}@{rng.choice(['gmail.com', 'outlook.com'])}"))
    return out


def _loss(scam_type: str, country: str, rng: random.Random) -> tuple[str, str]:
    typical = TYPICAL_LOSS_USD.get(scam_type, 2500)
    usd = rng.lognormvariate(0, 1.0) * typical
    currency = CURRENCY[country]
    amount = usd * UNITS_PER_USD[currency]
    decimals = 0 if currency in {"IDR", "VND", "LAK", "MMK"} else 2
    return f"{amount:.{decimals}f}", currency


@dataclass
class Generator:
    seed: int
    reports: int
    start: datetime.date
    days: int = 365
    syndicate_share: float = 0.6
    # A line of free text per report, in the victim's language where the demo has one.
    with_personal_data: bool = True

    def __post_init__(self) -> None:
        self.rng = random.Random(f"jaring-intel:{self.seed}")
        count = max(3, self.reports // 60)
        self.syndicates = [make_syndicate(n, self.rng) for n in range(count)]
        # A few big syndicates and a long tail of small ones.
        self.syndicate_weights = [1 / (n + 1) ** 0.9 for n in range(count)]

    def _tlp(self) -> str:
        return _weighted(self.rng, [("green", 35), ("amber", 45), ("clear", 5), ("red", 10),
                                    ("amber+strict", 5)])

    def record(self, number: int) -> dict:
        rng = self.rng
        syndicate = None
        if rng.random() < self.syndicate_share:
            syndicate = rng.choices(self.syndicates, self.syndicate_weights)[0]
            country = rng.choice(syndicate.targets)
            scam_type = rng.choice(syndicate.scam_types)
            indicators = syndicate_indicators(syndicate, country, rng)
        else:
            country = _weighted(rng, COUNTRY_WEIGHTS)
            scam_type = _weighted(rng, SCAM_MIX)
            indicators = one_off_indicators(country, rng)
        if rng.random() < 0.02:
            kind, value = rng.choice(NOISE_VALUES)
            indicators.append(_indicator(kind, value, "other"))
        # Numbered as reported, as a centre's case system numbers them: a file lists
        # its reports in the order they came in.
        reported = self.start + datetime.timedelta(days=(number - 1) * self.days // self.reports)
        incident = reported - datetime.timedelta(days=rng.randint(0, 20))
        amount, currency = _loss(scam_type, country, rng)
        person = names.person(country, rng)
        record = {
            "country": country,
            "organisation": ORGANISATION[country],
            "reference": f"{country}-{reported:%Y}-{self.seed:03d}-{number:07d}",
            "reported_on": reported.isoformat(),
            "incident_on": incident.isoformat(),
            "scam_type": scam_type,
            "channel": rng.choice(CHANNELS.get(scam_type, ["call", "sms", "website"])),
            "loss_amount": amount,
            "loss_currency": currency,
            "victim_age_group": rng.choice(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]),
            "victim_sex": rng.choice(["F", "M"]),
            "victim_nationality": country,
            "victim_residence": country,
            "tlp": self._tlp(),
            "indicators": indicators,
        }
        if self.with_personal_data:
            record["victim_name"] = person.full_name
            record["victim_contact"] = phones.mobile_number(country, rng).e164
            record["narrative"] = text.snippet(rng, country=country).text
        return record

    def __iter__(self) -> Iterator[dict]:
        for number in range(1, self.reports + 1):
            yield self.record(number)


def fingerprint(records: list[dict]) -> str:
    """A digest of generated records, for determinism tests."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(repr(sorted(record.items())).encode())
    return digest.hexdigest()
