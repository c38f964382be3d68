"""MISP event JSON: each event is one report on import; an export is one event.

Phone numbers, URLs, domains, IP and e-mail addresses travel as plain attributes; bank
accounts, e-wallets, crypto wallets and social accounts as the standard MISP objects
(``bank-account``, ``coin-address``, ``telegram-account``, ``facebook-account``,
``instagram-account``, ``twitter-account``, ``user-account``) so the bank, chain or
platform stays beside the value. Report facts travel as ``jaring:`` machine tags and TLP as
``tlp:`` tags. The mapping follows the types and templates pymisp ships
(``describeTypes.json``, ``misp-objects``).
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator
from typing import IO, Any

from jaring.intel.exchange.records import (
    FormatError,
    Parsed,
    ParseError,
    new_indicator,
    new_record,
    personal_keys,
    public_view,
    read_document,
    text,
    tightest_tlp,
)

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://jaring.example/misp")

# MISP attribute type → (Jaring kind, hint). Types naming the victim side of a scam
# (email-dst: the victim's inbox) are left out on purpose.
ATTRIBUTE_KINDS: dict[str, tuple[str, str]] = {
    "phone-number": ("phone", ""), "whois-registrant-phone": ("phone", ""),
    "prtn": ("phone", ""),
    "iban": ("bank_account", ""), "bank-account-nr": ("bank_account", ""),
    "btc": ("crypto_wallet", "btc"), "xmr": ("crypto_wallet", "xmr"),
    "dash": ("crypto_wallet", "dash"),
    "url": ("url", ""), "uri": ("url", ""),
    "domain": ("domain", ""), "hostname": ("domain", ""),
    "ip-dst": ("ip", ""), "ip-src": ("ip", ""),
    "email": ("email", ""), "email-src": ("email", ""), "email-reply-to": ("email", ""),
    "whois-registrant-email": ("email", ""),
    "twitter-id": ("social_handle", "x"), "github-username": ("social_handle", "github"),
}  # fmt: skip
_SPLIT_TYPES = {"domain|ip": ("domain", "ip"), "ip-dst|port": ("ip", None),
                "ip-src|port": ("ip", None), "hostname|port": ("domain", None)}
SOCIAL_OBJECTS = {
    "telegram-account": ("telegram", "username"), "facebook-account": ("facebook", "account-name"),
    "instagram-account": ("instagram", "account-name"), "twitter-account": ("x", "name"),
    "reddit-account": ("reddit", "account-name"), "parler-account": ("parler", "account-name"),
}
_EXPORT_TYPES = {
    "phone": ("phone-number", "Financial fraud", True), "url": ("url", "Network activity", True),
    "domain": ("domain", "Network activity", True), "ip": ("ip-dst", "Network activity", True),
    "email": ("email-src", "Payload delivery", True),
}
_SOCIAL_EXPORT = {platform: (name, relation) for name, (platform, relation)
                  in SOCIAL_OBJECTS.items() if name in ("telegram-account", "facebook-account",
                                                        "instagram-account", "twitter-account")}
_TLP_TAGS = {"tlp:clear": "clear", "tlp:white": "clear", "tlp:green": "green",
             "tlp:amber": "amber", "tlp:amber+strict": "amber+strict", "tlp:red": "red"}


# --- export ---------------------------------------------------------------------------

def _tag(name: str, value: str) -> dict[str, str]:
    return {"name": f'jaring:{name}="{value}"'}


def _attribute(event: str, kind: str, value: str, role: str, type_: str, category: str,
               to_ids: bool, relation: str | None = None) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "uuid": str(uuid.uuid5(NAMESPACE, f"{event}\x00{kind}\x00{value}\x00{role}\x00{type_}"
                               f"\x00{relation}")),
        "type": type_, "category": category, "value": value, "to_ids": to_ids,
        "disable_correlation": False,
    }
    if relation:
        attribute["object_relation"] = relation
    if role:
        attribute["Tag"] = [_tag("role", role)]
    return attribute


def _object(event: str, name: str, kind: str, value: str, role: str,
            parts: list[tuple[str, str, str, str, bool]]) -> dict[str, Any]:
    attributes = []
    for index, (relation, type_, category, part, to_ids) in enumerate(parts):
        attributes.append(_attribute(event, kind, part, role if index == 0 else "", type_,
                                     category, to_ids, relation))
    return {
        "uuid": str(uuid.uuid5(NAMESPACE, f"{event}\x00object\x00{kind}\x00{value}\x00{role}")),
        "name": name, "Attribute": attributes,
    }


def _indicator(event: str, kind: str, value: str, role: str) -> tuple[str, dict[str, Any]]:
    """The attribute or object of one indicator: ``("Attribute" | "Object", dict)``."""
    if kind in _EXPORT_TYPES:
        type_, category, to_ids = _EXPORT_TYPES[kind]
        return "Attribute", _attribute(event, kind, value, role, type_, category, to_ids)
    pieces = value.split(":", 2)
    canonical = ("comments", "text", "Other", value, False)
    if kind == "bank_account":
        if value.startswith("iban:"):
            parts = [("iban", "iban", "Financial fraud", value[5:], True)]
        elif len(pieces) == 3 and pieces[0] == "bank":
            parts = [("account", "bank-account-nr", "Financial fraud", pieces[2], True),
                     ("institution-code", "text", "Other", pieces[1], False)]
        else:
            parts = [("account", "bank-account-nr", "Financial fraud", value, True)]
        return "Object", _object(event, "bank-account", kind, value, role, [*parts, canonical])
    if kind == "ewallet":
        provider, account = (pieces[1], pieces[2]) if len(pieces) == 3 else ("", value)
        parts = [("account", "bank-account-nr", "Financial fraud", account, True),
                 ("non-banking-institution", "boolean", "Other", "1", False)]
        if provider:
            parts.append(("institution-name", "text", "Other", provider, False))
        return "Object", _object(event, "bank-account", kind, value, role, [*parts, canonical])
    if kind == "crypto_wallet":
        chain, address = (pieces[1], pieces[2]) if len(pieces) == 3 else ("", value)
        if chain == "btc":
            parts = [("address", "btc", "Financial fraud", address, True)]
        elif chain == "xmr":
            parts = [("address-xmr", "xmr", "Financial fraud", address, True)]
        else:
            parts = [("address-crypto", "text", "Financial fraud", address, True)]
        if chain:
            parts.append(("symbol", "text", "Other", chain.upper(), False))
        return "Object", _object(event, "coin-address", kind, value, role, parts)
    if kind == "social_handle":
        platform, handle = (pieces[1], pieces[2]) if len(pieces) == 3 else ("", value)
        if platform in _SOCIAL_EXPORT:
            name, relation = _SOCIAL_EXPORT[platform]
            parts = [(relation, "text", "Social network", handle, False)]
        else:
            name = "user-account"
            parts = [("username", "text", "Social network", handle, False)]
            if platform:
                parts.append(("account-type", "text", "Other", platform, False))
        return "Object", _object(event, name, kind, value, role, parts)
    raise ValueError(f"indicators: unknown kind {kind!r}")


def export_event(reports: list[dict[str, Any]], *, producer: dict[str, Any],
                 info: str | None = None) -> dict[str, Any]:
    """One MISP event holding the given (sharing-filtered, de-identified) reports.

    A single report keeps its reference, country, organisation, scam type and channel as
    ``jaring:`` tags; several reports (a campaign) share one event tagged with every
    campaign and scam type among them and the tightest TLP. Victim fields never appear."""
    views = [public_view(r) for r in reports]
    if not views:
        # Nothing the viewer may see matched: an empty event, so pollers need no special case.
        return {"Event": {
            "uuid": str(uuid.uuid5(NAMESPACE, "event\x00(empty)")),
            "info": info or "Jaring fraud reports (none)",
            "date": datetime.date.today().isoformat(), "threat_level_id": "4",
            "analysis": "2", "published": False, "Orgc": {"name": text(producer["name"])},
            "Tag": [{"name": "tlp:clear"}], "Attribute": [], "Object": [],
        }}
    ids = sorted(text(v.get("id") or v.get("reference")) for v in views)
    event_uuid = str(uuid.uuid5(NAMESPACE, "event\x00" + "\x00".join(ids)))
    levels = [text(v.get("tlp")).lower() or "amber" for v in views]
    tags: list[dict[str, str]] = [{"name": f"tlp:{tightest_tlp(levels)}"}]
    facts = ["campaign", "scam_type", "channel"]
    if len(views) == 1:
        facts = ["reference", "country", "organisation", *facts]
    for fact in facts:
        for value in sorted({text(v.get(fact)) for v in views} - {""}):
            tags.append(_tag(fact.replace("_", "-"), value))
    if len(views) == 1:
        default_info = (f"Jaring fraud report {text(views[0].get('reference'))}: "
                        f"{text(views[0].get('scam_type'))}")
    else:
        campaigns = sorted({text(v.get("campaign")) for v in views} - {""})
        default_info = (f"Jaring campaign {', '.join(campaigns)}" if campaigns
                        else f"Jaring fraud reports ({len(views)})")
    attributes: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for view in views:
        for indicator in view.get("indicators") or []:
            key = (text(indicator.get("kind")), text(indicator.get("value")),
                   text(indicator.get("role")))
            if key in seen:
                continue
            seen.add(key)
            where, item = _indicator(event_uuid, *key)
            (attributes if where == "Attribute" else objects).append(item)
    event = {
        "uuid": event_uuid, "info": info or default_info,
        "date": min(text(v.get("reported_on"))[:10] or "2000-01-01" for v in views),
        "threat_level_id": "2", "analysis": "2", "published": False,
        "Orgc": {"name": text(producer["name"])}, "Tag": tags,
        "Attribute": attributes, "Object": objects,
    }
    leaked = personal_keys(event)
    assert not leaked, f"personal fields {leaked} in MISP export"
    return {"Event": event}


def export_events(reports: list[dict[str, Any]], *, producer: dict[str, Any]
                  ) -> list[dict[str, Any]]:
    """One event per report: the form that imports back report by report."""
    return [export_event([report], producer=producer) for report in reports]


# --- import ---------------------------------------------------------------------------

def _machine_tags(tags: list[Any]) -> tuple[dict[str, str], str]:
    facts: dict[str, str] = {}
    levels = []
    for tag in tags or []:
        name = text(tag.get("name") if isinstance(tag, dict) else tag)
        lowered = name.lower()
        if lowered in _TLP_TAGS:
            levels.append(_TLP_TAGS[lowered])
        elif lowered.startswith("jaring:") and "=" in name:
            key, _, value = name[7:].partition("=")
            facts.setdefault(key.strip().replace("-", "_"), value.strip().strip('"'))
    return facts, (tightest_tlp(levels) if levels else "")


def _role(attribute: dict[str, Any]) -> str:
    facts, _ = _machine_tags(attribute.get("Tag") or [])
    return facts.get("role", "")


def _from_object(obj: dict[str, Any], line: int) -> list[dict[str, Any]] | None:
    parts: dict[str, str] = {}
    role = ""
    extra_phones = []
    for attribute in obj.get("Attribute") or []:
        relation = text(attribute.get("object_relation"))
        if relation == "phone":
            extra_phones.append(text(attribute.get("value")))
        parts.setdefault(relation, text(attribute.get("value")))
        role = role or _role(attribute)
    name = text(obj.get("name"))
    canonical = parts.get("comments") or parts.get("text") or ""
    found: list[dict[str, Any]] = []
    if name == "bank-account":
        ewallet = parts.get("non-banking-institution", "").lower() in ("1", "true")
        kind = "ewallet" if ewallet else "bank_account"
        if canonical.startswith(("ewallet:", "bank:", "iban:")):
            found.append(new_indicator(kind, canonical, role, "", line))
        elif parts.get("iban"):
            found.append(new_indicator(kind, parts["iban"], role, "", line))
        elif parts.get("account"):
            hint = (parts.get("institution-name") if ewallet else
                    parts.get("swift") or parts.get("institution-code")
                    or parts.get("institution-name"))
            found.append(new_indicator(kind, parts["account"], role, hint, line))
    elif name == "coin-address":
        for relation, hint in (("address", "btc"), ("address-xmr", "xmr"),
                               ("address-crypto", parts.get("symbol", ""))):
            if parts.get(relation):
                found.append(new_indicator("crypto_wallet", parts[relation], role,
                                           parts.get("symbol") or hint, line))
    elif name in SOCIAL_OBJECTS:
        platform, relation = SOCIAL_OBJECTS[name]
        handle = parts.get(relation) or parts.get("username") or parts.get("id")
        if handle:
            found.append(new_indicator("social_handle", handle, role, platform, line))
        found += [new_indicator("phone", p, "messaging_account", "", line) for p in extra_phones]
    elif name == "user-account" and (parts.get("username") or parts.get("user-id")):
        found.append(new_indicator("social_handle", parts.get("username") or parts["user-id"],
                                   role, parts.get("account-type"), line))
    elif name == "phone-number" and parts.get("phone-number"):
        found.append(new_indicator("phone", parts["phone-number"], role, "", line))
    elif name == "url" and parts.get("url"):
        found.append(new_indicator("url", parts["url"], role, "", line))
    elif name in ("domain-ip", "ip-port"):
        found += [new_indicator("domain", parts[r], role, "", line) for r in ("domain",)
                  if parts.get(r)]
        found += [new_indicator("ip", parts[r], role, "", line) for r in ("ip", "ip-dst")
                  if parts.get(r)]
    elif name == "email" and parts.get("from"):
        found.append(new_indicator("email", parts["from"], role, "", line))
    else:
        return None
    return found


def _record(event: dict[str, Any], line: int) -> tuple[dict[str, Any], list[ParseError]]:
    errors: list[ParseError] = []
    facts, tlp = _machine_tags(event.get("Tag") or [])
    record = new_record()
    record.update({
        "reference": facts.get("reference") or text(event.get("info")),
        "country": facts.get("country", ""), "organisation": facts.get("organisation", ""),
        "reported_on": text(event.get("date"))[:10], "scam_type": facts.get("scam_type", ""),
        "channel": facts.get("channel", ""), "tlp": tlp,
    })
    skipped: set[str] = set()
    for attribute in event.get("Attribute") or []:
        type_, value = text(attribute.get("type")), text(attribute.get("value"))
        role = _role(attribute)
        if type_ in ATTRIBUTE_KINDS:
            kind, hint = ATTRIBUTE_KINDS[type_]
            record["indicators"].append(new_indicator(kind, value, role, hint, line))
        elif type_ in _SPLIT_TYPES:
            first, second = value.split("|", 1) if "|" in value else (value, "")
            record["indicators"].append(new_indicator(_SPLIT_TYPES[type_][0], first, role,
                                                      "", line))
            if _SPLIT_TYPES[type_][1] and second:
                record["indicators"].append(new_indicator(_SPLIT_TYPES[type_][1], second, role,
                                                          "", line))
        else:
            skipped.add(type_ or "(blank)")
    skipped_objects: set[str] = set()
    for obj in event.get("Object") or []:
        found = _from_object(obj, line) if isinstance(obj, dict) else None
        if found is None:
            skipped_objects.add(text(obj.get("name")) if isinstance(obj, dict) else "(invalid)")
        else:
            record["indicators"].extend(found)
    if skipped:
        errors.append((line, "Attribute", "skipped types without a Jaring indicator kind: "
                       + ", ".join(sorted(skipped))))
    if skipped_objects:
        errors.append((line, "Object", "skipped objects without a Jaring indicator kind: "
                       + ", ".join(sorted(skipped_objects))))
    return record, errors


def iter_records(stream: IO[bytes] | IO[str]) -> Iterator[Parsed]:
    """Events from ``{"Event": ...}`` (or the bare event), a list of those, or a REST
    ``{"response": [...]}``,
    numbered by their 1-based position in the document."""
    try:
        document = json.loads(read_document(stream))
    except FormatError as exc:
        yield 1, None, [(1, "document", str(exc))]
        return
    except json.JSONDecodeError as exc:
        yield exc.lineno, None, [(exc.lineno, "document", f"invalid JSON: {exc.msg}")]
        return
    if isinstance(document, dict) and isinstance(document.get("response"), list):
        document = document["response"]
    events = document if isinstance(document, list) else [document]
    for position, item in enumerate(events, start=1):
        event = item.get("Event") if isinstance(item, dict) else None
        if event is None and isinstance(item, dict) and ("info" in item or "Attribute" in item):
            event = item  # pymisp's to_json() writes the event without the wrapper
        if not isinstance(event, dict):
            yield position, None, [(position, "Event", "is not a MISP event object")]
            continue
        try:
            record, errors = _record(event, position)
        except (AttributeError, TypeError, ValueError) as exc:
            # A hand-edited document can put a string where a list belongs; name the
            # object rather than stopping the whole import with a traceback.
            yield position, None, [(position, "document", f"malformed object: {exc}")]
            continue
        yield position, record, errors
