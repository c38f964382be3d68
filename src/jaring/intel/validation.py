"""Turning one submitted report (a form, an API body, an import row) into checked input.

Every problem is collected as a :class:`FieldError` naming the line, the field
and the reason, so an import can report all of a row's problems at once. An
invalid indicator drops that indicator only; an invalid report field rejects the
report.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import timezone

from jaring.intel.indicators import InvalidIndicator, Normalised, normalise
from jaring.intel.sharing import TLP
from jaring.reference.models import Code, ContactChannel, Country, Currency, ScamType

MAX_LOSS = Decimal("1000000000000")
MAX_TEXT = 20000

ROLES = {
    "caller": "Called the victim",
    "sender": "Sent messages (SMS or chat)",
    "payee_account": "Bank account the victim paid into",
    "payee_wallet": "E-wallet the victim paid into",
    "crypto_destination": "Crypto wallet the victim sent funds to",
    "website": "Website or app download page",
    "messaging_account": "Messaging account (WhatsApp, Telegram, LINE...)",
    "social_account": "Social-media account or page",
    "email_sender": "E-mail sender",
    "infrastructure": "Server, IP address or domain behind the scam",
    "other": "Other",
}

_DEFAULT_ROLE = {
    "phone": "caller",
    "bank_account": "payee_account",
    "ewallet": "payee_wallet",
    "crypto_wallet": "crypto_destination",
    "url": "website",
    "domain": "website",
    "ip": "infrastructure",
    "email": "email_sender",
    "social_handle": "social_account",
}

_TLP_ALIASES = {
    "clear": TLP.CLEAR, "white": TLP.CLEAR, "green": TLP.GREEN, "amber": TLP.AMBER,
    "amber+strict": TLP.AMBER_STRICT, "amber_strict": TLP.AMBER_STRICT, "red": TLP.RED,
}


@dataclass(frozen=True)
class FieldError:
    line: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.field}: {self.reason}"


@dataclass
class IndicatorInput:
    normalised: Normalised
    role: str
    line: int | None = None


@dataclass
class ReportInput:
    country: str
    organisation_id: int
    reference: str
    reported_on: datetime.date
    scam_type: str
    tlp: str
    incident_on: datetime.date | None = None
    channel: str | None = None
    loss_amount: Decimal | None = None
    loss_currency: str | None = None
    victim_age_group: str = ""
    victim_sex: str = ""
    victim_nationality: str | None = None
    victim_residence: str | None = None
    victim_name: str = ""
    victim_contact: str = ""
    narrative: str = ""
    indicators: list[IndicatorInput] = field(default_factory=list)
    line: int | None = None


class Vocabulary:
    """The reference codes a report may use, read once per import or request."""

    def __init__(self) -> None:
        self.countries = set(Country.objects.values_list("code", flat=True))
        self.countries_or_unknown = self.countries | {"XX"}  # XX: not known
        self.currencies = set(Currency.objects.values_list("code", flat=True))
        self.scam_types = set(ScamType.objects.values_list("code", flat=True))
        self.channels = set(ContactChannel.objects.values_list("code", flat=True))
        codes = Code.objects.filter(Q(code_list_id="sex") | Q(code_list_id="age-group"))
        self.sexes = {c.code for c in codes if c.code_list_id == "sex"}
        self.age_groups = {c.code for c in codes if c.code_list_id == "age-group"}
        # Dates after this are in the future. Read once: the clock lookup costs more
        # than the rest of a date check, and a vocabulary lives for one request or import.
        self.latest_date = timezone.localdate() + datetime.timedelta(days=1)


# No database stores it in text (PostgreSQL refuses it outright); the web pages and
# the API refuse it with these words too.
_NUL = "\x00"
_HAS_NUL = "contains a NUL character"


def _text(value: Any) -> str:
    if value.__class__ is str:  # nearly always (a bulk import calls this 25 times a report)
        return value.strip()
    if value is None:
        return ""
    return str(value).strip()


class _Collector:
    def __init__(self, line: int | None, latest_date: datetime.date) -> None:
        self.line = line
        self.latest_date = latest_date
        self.errors: list[FieldError] = []

    def error(self, name: str, reason: str) -> None:
        self.errors.append(FieldError(self.line, name, reason))

    def date(self, raw: Mapping[str, Any], name: str, required: bool) -> datetime.date | None:
        text = _text(raw.get(name))
        if not text:
            if required:
                self.error(name, "is required (YYYY-MM-DD)")
            return None
        try:
            value = datetime.date.fromisoformat(text[:10])
        except ValueError:
            self.error(name, f"{text!r} is not a date in the form YYYY-MM-DD")
            return None
        if value > self.latest_date:
            self.error(name, f"{value} is in the future")
            return None
        if value.year < 2000:
            self.error(name, f"{value} is before 2000")
            return None
        return value

    def code(self, raw: Mapping[str, Any], name: str, allowed: set[str], *, upper: bool = False,
             required: bool = False) -> str | None:
        text = _text(raw.get(name))
        if upper:
            text = text.upper()
        if not text:
            if required:
                self.error(name, "is required")
            return None
        if text not in allowed:
            shown = ", ".join(sorted(allowed)[:15])
            self.error(name, f"unknown code {text!r}; expected one of {shown}")
            return None
        return text


def parse_indicator(
    raw: Mapping[str, Any], country: str, line: int | None = None
) -> tuple[IndicatorInput | None, FieldError | None]:
    kind = _text(raw.get("kind")).lower()
    value = _text(raw.get("value"))
    role = _text(raw.get("role")).lower() or _DEFAULT_ROLE.get(kind, "other")
    if not kind:
        return None, FieldError(line, "indicator_kind", "is required")
    if not value:
        return None, FieldError(line, "indicator_value", "is required")
    if _NUL in value:
        return None, FieldError(line, "indicator_value", _HAS_NUL)
    if role not in ROLES:
        return None, FieldError(line, "indicator_role", f"unknown role {role!r}")
    try:
        normalised = normalise(kind, value, country=country, hint=_text(raw.get("hint")) or None)
    except InvalidIndicator as exc:
        return None, FieldError(line, "indicator_value", str(exc))
    except (KeyError, ValueError) as exc:
        if "kind" in str(exc) or kind not in _DEFAULT_ROLE:
            return None, FieldError(line, "indicator_kind", f"unknown indicator kind {kind!r}")
        return None, FieldError(line, "indicator_value", str(exc))
    return IndicatorInput(normalised, role, line), None


def parse_report(
    raw: Mapping[str, Any],
    *,
    vocabulary: Vocabulary,
    organisation_id: int,
    country: str,
    line: int | None = None,
) -> tuple[ReportInput | None, list[FieldError]]:
    """Check one report. Returns the input (None when the report itself is invalid)
    and every error found, report fields and indicators alike."""
    c = _Collector(line, vocabulary.latest_date)
    reference = _text(raw.get("reference"))
    if not reference:
        c.error("reference", "is required")
    elif len(reference) > 100:
        c.error("reference", "is longer than 100 characters")
    elif _NUL in reference:
        c.error("reference", _HAS_NUL)
    reported_on = c.date(raw, "reported_on", required=True)
    incident_on = c.date(raw, "incident_on", required=False)
    if reported_on and incident_on and incident_on > reported_on:
        c.error("incident_on", "is after reported_on")
    scam_type = c.code(raw, "scam_type", vocabulary.scam_types, required=True)
    channel = c.code(raw, "channel", vocabulary.channels)
    tlp_text = _text(raw.get("tlp")).lower().removeprefix("tlp:") or TLP.AMBER
    tlp = _TLP_ALIASES.get(tlp_text)
    if tlp is None:
        c.error("tlp", f"{tlp_text!r} is not a TLP 2.0 level (clear, green, amber, "
                "amber+strict, red)")

    loss_amount = None
    amount_text = _text(raw.get("loss_amount")).replace(",", "")
    currency = c.code(raw, "loss_currency", vocabulary.currencies, upper=True)
    if amount_text:
        try:
            loss_amount = Decimal(amount_text)
        except InvalidOperation:
            c.error("loss_amount", f"{amount_text!r} is not a number")
        else:
            if not loss_amount.is_finite() or loss_amount < 0:
                c.error("loss_amount", "must be zero or more")
                loss_amount = None
            elif loss_amount > MAX_LOSS:
                c.error("loss_amount", "is implausibly large")
                loss_amount = None
            elif currency is None and not _text(raw.get("loss_currency")):
                c.error("loss_currency", "is required when loss_amount is given")
    sex = _text(raw.get("victim_sex")).upper()
    if sex and sex not in vocabulary.sexes:
        c.error("victim_sex", f"unknown code {sex!r}; expected one of "
                f"{', '.join(sorted(vocabulary.sexes))}")
    age_group = _text(raw.get("victim_age_group"))
    if age_group and age_group not in vocabulary.age_groups:
        c.error("victim_age_group", f"unknown code {age_group!r}; expected one of "
                f"{', '.join(sorted(vocabulary.age_groups))}")
    nationality = c.code(raw, "victim_nationality", vocabulary.countries_or_unknown, upper=True)
    residence = c.code(raw, "victim_residence", vocabulary.countries_or_unknown, upper=True)
    texts = {}
    for name in ("victim_name", "victim_contact", "narrative"):
        texts[name] = _text(raw.get(name))
        if len(texts[name]) > MAX_TEXT:
            c.error(name, f"is longer than {MAX_TEXT} characters")
        elif _NUL in texts[name]:
            c.error(name, _HAS_NUL)

    indicators: list[IndicatorInput] = []
    seen: set[tuple[str, str, str]] = set()
    raw_indicators = raw.get("indicators") or []
    if not isinstance(raw_indicators, list):
        c.error("indicators", "must be a list")
        raw_indicators = []
    for position, item in enumerate(raw_indicators):
        # A dict nearly always: asking the Mapping ABC costs more than the check is worth.
        if item.__class__ is not dict and not isinstance(item, Mapping):
            c.error(f"indicators[{position}]", "must be an object with kind and value")
            continue
        item_line = item.get("line", line)
        parsed, error = parse_indicator(item, country, item_line)
        if error is not None:
            c.errors.append(error)
            continue
        assert parsed is not None
        key = (parsed.normalised.kind, parsed.normalised.value, parsed.role)
        if key not in seen:
            seen.add(key)
            indicators.append(parsed)

    report_errors = [e for e in c.errors if not e.field.startswith("indicator")]
    if report_errors or reported_on is None or scam_type is None or tlp is None:
        return None, c.errors
    return ReportInput(
        country=country, organisation_id=organisation_id, reference=reference,
        reported_on=reported_on, incident_on=incident_on, scam_type=scam_type, tlp=tlp,
        channel=channel, loss_amount=loss_amount, loss_currency=currency,
        victim_age_group=age_group, victim_sex=sex,
        victim_nationality=None if nationality == "XX" else nationality,
        victim_residence=None if residence == "XX" else residence,
        victim_name=texts["victim_name"], victim_contact=texts["victim_contact"],
        narrative=texts["narrative"], indicators=indicators, line=line,
    ), c.errors
