"""STIX 2.1 bundles: reading ``report`` SDOs with their observables, writing campaigns and
filtered reports.

Standard cyber observables carry URLs, domains, IP and e-mail addresses and social
accounts (``user-account``). Phone numbers, bank accounts, e-wallets and crypto wallets
have no STIX object, so the export defines four new SCO types with STIX 2.1
``extension-definition`` objects published inside every bundle; report facts that STIX
lacks (scam type, channel, the role of each indicator) travel in a property extension of
the ``report``. TLP uses the OASIS TLP 2.0 marking definitions; TLP 1.0 markings
(stix2's ``TLP_WHITE`` ...) are understood on import.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from typing import IO, Any

from stix2.v21 import TLP_AMBER, TLP_GREEN, TLP_RED, TLP_WHITE

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

# uuid5 namespace for SCO ids, fixed by STIX 2.1 section 2.9.
SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
# Jaring's own namespace for the ids of reports, campaigns, identities and extensions.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://jaring.example/stix")
SCHEMA_BASE = "https://jaring.example/stix/"  # placeholder until the project publishes them
EXTENSION_CREATED = "2026-01-01T00:00:00.000Z"

# OASIS TLP 2.0 marking definitions (cti-stix-common-objects, extension-definition-
# specifications/tlp-2.0), referenced by id and published in each bundle that uses them.
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_MARKINGS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_BY_MARKING = {v: k for k, v in TLP2_MARKINGS.items()} | {
    TLP_WHITE.id: "clear", TLP_GREEN.id: "green", TLP_AMBER.id: "amber", TLP_RED.id: "red",
}

CUSTOM_TYPES = {
    "phone": "x-jaring-phone-number",
    "bank_account": "x-jaring-bank-account",
    "ewallet": "x-jaring-ewallet",
    "crypto_wallet": "x-jaring-crypto-wallet",
}
KIND_BY_TYPE = {t: k for k, t in CUSTOM_TYPES.items()} | {
    "url": "url", "domain-name": "domain", "ipv4-addr": "ip", "ipv6-addr": "ip",
    "email-addr": "email", "user-account": "social_handle",
}
REPORT_EXTENSION_NAME = "x-jaring-fraud-report"

def _id(kind: str, name: str) -> str:
    """A stable id for an SDO. STIX asks for UUIDv4 there, so the name's hash is laid out
    as a version-4 UUID: re-exporting gives the same id, and validators stay quiet."""
    digest = hashlib.sha256(f"{NAMESPACE}:{kind}:{name}".encode()).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


def sco_id(kind: str, contributing: dict[str, Any]) -> str:
    """The deterministic SCO id of STIX 2.1 section 2.9 (uuid5 over the canonical JSON of the
    id-contributing properties)."""
    canonical = json.dumps(contributing, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return f"{kind}--{uuid.uuid5(SCO_NAMESPACE, canonical)}"


def extension_id(name: str) -> str:
    return _id("extension-definition", name)


def _timestamp(day: Any) -> str:
    day = text(day)[:10] or "2000-01-01"
    return f"{day}T00:00:00.000Z"


def _marking(level: str) -> dict[str, Any]:
    return {
        "type": "marking-definition", "spec_version": "2.1", "id": TLP2_MARKINGS[level],
        "created": "2022-10-01T00:00:00.000Z", "name": f"TLP:{level.upper()}",
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension",
                                        "tlp_2_0": level}},
    }


_CUSTOM_PROPERTIES = {
    "x-jaring-phone-number": ("Phone number", {"value": "E.164 number, e.g. +60123456789"}),
    "x-jaring-bank-account": ("Bank account", {
        "value": "Jaring key: iban:<IBAN> or bank:<bank code>:<account digits>",
        "iban": "IBAN, when the account has one", "bank": "bank code (SWIFT BIC or national)",
        "account_number": "account digits",
    }),
    "x-jaring-ewallet": ("E-wallet account", {
        "value": "Jaring key: ewallet:<provider>:<identifier>",
        "provider": "provider key, e.g. gcash", "account_id": "identifier at the provider",
    }),
    "x-jaring-crypto-wallet": ("Cryptocurrency wallet", {
        "value": "Jaring key: crypto:<chain>:<address>",
        "chain": "chain key, e.g. btc, eth, tron", "address": "address as shown on chain",
    }),
}


def _extension_definitions(project: str) -> list[dict[str, Any]]:
    objects = []
    for sco_type, (label, properties) in _CUSTOM_PROPERTIES.items():
        objects.append({
            "type": "extension-definition", "spec_version": "2.1",
            "id": extension_id(sco_type), "created_by_ref": project,
            "created": EXTENSION_CREATED, "modified": EXTENSION_CREATED,
            "name": sco_type,
            "description": f"{label} named in a fraud report. Properties: "
            + "; ".join(f"{k}: {v}" for k, v in properties.items()) + ".",
            "schema": f"{SCHEMA_BASE}{sco_type}.json", "version": "1.0.0",
            "extension_types": ["new-sco"],
            "object_marking_refs": [TLP2_MARKINGS["clear"]],
        })
    objects.append({
        "type": "extension-definition", "spec_version": "2.1",
        "id": extension_id(REPORT_EXTENSION_NAME), "created_by_ref": project,
        "created": EXTENSION_CREATED, "modified": EXTENSION_CREATED,
        "name": REPORT_EXTENSION_NAME,
        "description": "Fraud report facts: reference, country, organisation, scam_type, "
        "channel, loss_usd, campaign and the role of each referenced indicator "
        "(indicator_roles: list of {ref, role}). Never carries victims' personal data.",
        "schema": f"{SCHEMA_BASE}{REPORT_EXTENSION_NAME}.json", "version": "1.0.0",
        "extension_types": ["property-extension"],
        "object_marking_refs": [TLP2_MARKINGS["clear"]],
    })
    return objects


def _split(value: str, prefix: str, parts: int) -> list[str] | None:
    if not value.startswith(prefix + ":"):
        return None
    pieces = value.split(":", parts)
    return pieces if len(pieces) == parts + 1 else None


def _observable(kind: str, value: str) -> dict[str, Any]:
    """The SCO of one indicator, by its Jaring kind and canonical value."""
    obj: dict[str, Any]
    if kind in ("url", "domain", "email", "ip"):
        sco_type = {"url": "url", "domain": "domain-name", "email": "email-addr"}.get(kind)
        if sco_type is None:
            sco_type = "ipv6-addr" if ":" in value else "ipv4-addr"
        obj = {"type": sco_type, "value": value}
        obj["id"] = sco_id(sco_type, {"value": value})
    elif kind == "social_handle":
        pieces = _split(value, "social", 2)
        obj = {"type": "user-account", "account_login": pieces[2] if pieces else value}
        if pieces:
            obj["account_type"] = pieces[1]
        obj["id"] = sco_id("user-account", {k: obj[k] for k in ("account_type", "account_login")
                                            if k in obj})
    elif kind in CUSTOM_TYPES:
        sco_type = CUSTOM_TYPES[kind]
        obj = {"type": sco_type, "value": value}
        if kind == "bank_account":
            if value.startswith("iban:"):
                obj["iban"] = value[5:]
            elif pieces := _split(value, "bank", 2):
                obj["bank"], obj["account_number"] = pieces[1], pieces[2]
        elif kind == "ewallet" and (pieces := _split(value, "ewallet", 2)):
            obj["provider"], obj["account_id"] = pieces[1], pieces[2]
        elif kind == "crypto_wallet" and (pieces := _split(value, "crypto", 2)):
            obj["chain"], obj["address"] = pieces[1], pieces[2]
        obj["id"] = sco_id(sco_type, {"value": value})
        obj["extensions"] = {extension_id(sco_type): {"extension_type": "new-sco"}}
    else:
        raise ValueError(f"indicators: unknown kind {kind!r}")
    obj["spec_version"] = "2.1"
    return obj


def export_bundle(reports: list[dict[str, Any]], *, producer: dict[str, Any]) -> dict[str, Any]:
    """A STIX 2.1 bundle of already sharing-filtered, de-identified reports.

    ``producer``: ``{"name", "id"?}`` of the exporting organisation. Victim fields are
    dropped even if present; every object carries its TLP marking."""
    project = _id("identity", "jaring-project")
    producer_id = _id("identity", "producer:" + text(producer.get("id") or producer["name"]))
    objects: dict[str, dict[str, Any]] = {}
    used_levels: set[str] = {"clear"}
    sco_levels: dict[str, list[str]] = {}
    campaigns: dict[str, dict[str, Any]] = {}

    for raw in reports:
        report = public_view(raw)
        tlp = text(report.get("tlp")).lower() or "amber"
        if tlp not in TLP2_MARKINGS:
            raise ValueError(f"tlp: {tlp!r} is not a TLP 2.0 level")
        used_levels.add(tlp)
        day = _timestamp(report.get("reported_on"))
        org_name = text(report.get("organisation")) or text(report.get("country")) or "unknown"
        org_id = _id("identity", f"organisation:{text(report.get('country'))}:{org_name}")
        objects.setdefault(org_id, {
            "type": "identity", "spec_version": "2.1", "id": org_id, "created": EXTENSION_CREATED,
            "modified": EXTENSION_CREATED, "name": org_name, "identity_class": "organization",
            "object_marking_refs": [TLP2_MARKINGS["clear"]],
        })
        refs: list[str] = [org_id]
        roles: list[dict[str, str]] = []
        for indicator in report.get("indicators") or []:
            obj = _observable(text(indicator.get("kind")), text(indicator.get("value")))
            objects.setdefault(obj["id"], obj)
            sco_levels.setdefault(obj["id"], []).append(tlp)
            if obj["id"] not in refs:
                refs.append(obj["id"])
            if text(indicator.get("role")):
                roles.append({"ref": obj["id"], "role": text(indicator.get("role"))})
        campaign = text(report.get("campaign"))
        if campaign:
            campaign_id = _id("campaign", f"campaign:{campaign}")
            entry = campaigns.setdefault(campaign_id, {"name": campaign, "levels": [],
                                                       "days": []})
            entry["levels"].append(tlp)
            entry["days"].append(day)
            refs.append(campaign_id)
        facts = {
            "extension_type": "property-extension",
            "reference": text(report.get("reference")), "country": text(report.get("country")),
            "organisation": text(report.get("organisation")),
            "scam_type": text(report.get("scam_type")), "channel": text(report.get("channel")),
            "loss_usd": text(report.get("loss_usd")), "campaign": campaign,
            "indicator_roles": roles,
        }
        facts = {k: v for k, v in facts.items() if v not in ("", [])}
        labels = [f"{name}:{facts[key]}" for name, key in
                  (("scam-type", "scam_type"), ("channel", "channel")) if key in facts]
        modified = _timestamp(report.get("modified") or report.get("reported_on"))
        report_obj: dict[str, Any] = {
            "type": "report", "spec_version": "2.1",
            "id": _id("report", "report:" + text(report.get("id") or report.get("reference"))),
            "created_by_ref": producer_id, "created": day, "modified": max(day, modified),
            "name": f"Fraud report {text(report.get('reference'))}",
            "report_types": ["threat-report"], "published": day, "object_refs": refs,
            "external_references": [{"source_name": "jaring",
                                     "external_id": text(report.get("reference"))}],
            "object_marking_refs": [TLP2_MARKINGS[tlp]],
            "extensions": {extension_id(REPORT_EXTENSION_NAME): facts},
        }
        if labels:
            report_obj["labels"] = labels
        objects[report_obj["id"]] = report_obj

    for campaign_id, entry in campaigns.items():
        level = tightest_tlp(entry["levels"])
        objects[campaign_id] = {
            "type": "campaign", "spec_version": "2.1", "id": campaign_id,
            "created_by_ref": producer_id, "created": min(entry["days"]),
            "modified": max(entry["days"]), "name": entry["name"],
            "first_seen": min(entry["days"]), "last_seen": max(entry["days"]),
            "object_marking_refs": [TLP2_MARKINGS[level]],
        }
    for obj_id, levels in sco_levels.items():
        objects[obj_id]["object_marking_refs"] = [TLP2_MARKINGS[tightest_tlp(levels)]]
        used_levels.update(levels)

    head = [
        {"type": "identity", "spec_version": "2.1", "id": project, "created": EXTENSION_CREATED,
         "modified": EXTENSION_CREATED, "name": "Jaring project", "identity_class": "system",
         "object_marking_refs": [TLP2_MARKINGS["clear"]]},
        {"type": "identity", "spec_version": "2.1", "id": producer_id,
         "created": EXTENSION_CREATED, "modified": EXTENSION_CREATED,
         "name": text(producer["name"]), "identity_class": "organization",
         "object_marking_refs": [TLP2_MARKINGS["clear"]]},
        *(_marking(level) for level in TLP2_MARKINGS if level in used_levels),
        *_extension_definitions(project),
    ]
    everything = head + list(objects.values())
    leaked = personal_keys(everything)
    assert not leaked, f"personal fields {leaked} in STIX export"
    bundle_id = _id("bundle", "\n".join(sorted(objects)))
    return {"type": "bundle", "id": bundle_id, "objects": everything}


# --- import ---------------------------------------------------------------------------

_COMPARISON = re.compile(
    r"\s*([a-z0-9-]+):([a-z0-9_.]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*", re.IGNORECASE
)
_PATTERN_PATHS = {
    ("url", "value"): "url", ("domain-name", "value"): "domain",
    ("ipv4-addr", "value"): "ip", ("ipv6-addr", "value"): "ip",
    ("email-addr", "value"): "email", ("email-message", "from_ref.value"): "email",
    ("user-account", "account_login"): "social_handle",
    ("user-account", "user_id"): "social_handle",
} | {(t, "value"): k for k, t in CUSTOM_TYPES.items()}


def parse_pattern(pattern: str) -> list[tuple[str, str]]:
    """``(kind, value)`` of a STIX pattern made only of equality comparisons joined by OR,
    e.g. ``[url:value = 'http://x/' OR domain-name:value = 'x']``; ValueError otherwise."""
    body = pattern.strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise ValueError("is not a single observation expression in brackets")
    found: list[tuple[str, str]] = []
    for part in re.split(r"\s+OR\s+", body[1:-1]):
        match = _COMPARISON.fullmatch(part)
        if not match:
            raise ValueError("only equality comparisons joined by OR are imported")
        key = (match.group(1).lower(), match.group(2).lower())
        if key not in _PATTERN_PATHS:
            raise ValueError(f"{key[0]}:{key[1]} has no Jaring indicator kind")
        value = re.sub(r"\\(.)", r"\1", match.group(3))
        found.append((_PATTERN_PATHS[key], value))
    return found


def _indicator_of(obj: dict[str, Any], line: int) -> dict[str, Any] | None:
    kind = KIND_BY_TYPE.get(obj.get("type", ""))
    if kind is None:
        return None
    if kind == "social_handle":
        value = obj.get("account_login") or obj.get("user_id") or obj.get("display_name")
        return new_indicator(kind, value, "", obj.get("account_type"), line)
    if kind == "crypto_wallet" and obj.get("address"):
        return new_indicator(kind, obj["address"], "", obj.get("chain"), line)
    if kind == "ewallet" and obj.get("account_id"):
        return new_indicator(kind, obj["account_id"], "", obj.get("provider"), line)
    if kind == "bank_account" and obj.get("iban"):
        return new_indicator(kind, obj["iban"], "", "", line)
    return new_indicator(kind, obj.get("value"), "", "", line)


def _tlp_of(obj: dict[str, Any], index: dict[str, dict[str, Any]]) -> str:
    levels = []
    for ref in obj.get("object_marking_refs") or []:
        level = TLP_BY_MARKING.get(ref)
        marking = index.get(ref) or {}
        if level is None and marking.get("definition_type") == "tlp":
            level = {"white": "clear"}.get(marking["definition"].get("tlp"),
                                           marking["definition"].get("tlp"))
        if level is None:
            level = ((marking.get("extensions") or {}).get(TLP2_EXTENSION) or {}).get("tlp_2_0")
        if level:
            levels.append(level)
    return tightest_tlp(levels) if levels else ""


def _record(obj: dict[str, Any], position: int, index: dict[str, dict[str, Any]]
            ) -> tuple[dict[str, Any], list[ParseError]]:
    errors: list[ParseError] = []
    record = new_record()
    facts = (obj.get("extensions") or {}).get(extension_id(REPORT_EXTENSION_NAME)) or {}
    reference = facts.get("reference")
    for ref in obj.get("external_references") or []:
        if not reference and ref.get("source_name") == "jaring":
            reference = ref.get("external_id")
    labels = dict(label.split(":", 1) for label in obj.get("labels") or [] if ":" in label)
    record.update({
        "reference": text(reference or obj.get("name")),
        "country": text(facts.get("country")), "organisation": text(facts.get("organisation")),
        "reported_on": text(obj.get("published"))[:10],
        "scam_type": text(facts.get("scam_type") or labels.get("scam-type")),
        "channel": text(facts.get("channel") or labels.get("channel")),
        "tlp": _tlp_of(obj, index),
    })
    if facts.get("loss_usd"):
        record["loss_amount"], record["loss_currency"] = text(facts["loss_usd"]), "USD"
    roles = {r.get("ref"): r.get("role") for r in facts.get("indicator_roles") or []
             if isinstance(r, dict)}
    queue = list(obj.get("object_refs") or [])
    seen: set[str] = set()
    while queue:
        ref = queue.pop(0)
        if ref in seen:
            continue
        seen.add(ref)
        target = index.get(ref)
        if target is None:
            errors.append((position, "object_refs", f"{ref} is not in the bundle"))
            continue
        if target.get("type") == "observed-data":
            queue.extend(target.get("object_refs") or [])
        elif target.get("type") == "indicator":
            try:
                pairs = parse_pattern(text(target.get("pattern")))
            except ValueError as exc:
                errors.append((position, f"{ref}.pattern", str(exc)))
                continue
            for kind, value in pairs:
                record["indicators"].append(new_indicator(kind, value, roles.get(ref), "",
                                                          position))
        else:
            indicator = _indicator_of(target, position)
            if indicator is not None:
                indicator["role"] = text(roles.get(ref)).lower()
                record["indicators"].append(indicator)
    return record, errors


def iter_records(stream: IO[bytes] | IO[str]) -> Iterator[Parsed]:
    """One record per ``report`` SDO, numbered by its 1-based position in ``objects``."""
    try:
        bundle = json.loads(read_document(stream))
    except FormatError as exc:
        yield 1, None, [(1, "document", str(exc))]
        return
    except json.JSONDecodeError as exc:
        yield exc.lineno, None, [(exc.lineno, "document", f"invalid JSON: {exc.msg}")]
        return
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        yield 1, None, [(1, "type", "is not a STIX 2.1 bundle (type must be 'bundle')")]
        return
    objects = bundle.get("objects")
    if not isinstance(objects, list):
        yield 1, None, [(1, "objects", "must be a list")]
        return
    index = {o["id"]: o for o in objects if isinstance(o, dict) and isinstance(o.get("id"), str)}
    found = False
    for position, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict) or obj.get("type") != "report":
            continue
        found = True
        try:
            record, errors = _record(obj, position, index)
        except (AttributeError, TypeError, ValueError) as exc:
            # A hand-edited document can put a string where a list belongs; name the
            # object rather than stopping the whole import with a traceback.
            yield position, None, [(position, "document", f"malformed object: {exc}")]
            continue
        yield position, record, errors
    if not found:
        yield 1, None, [(1, "objects", "the bundle has no report object; Jaring imports "
                         "reports with their observables and indicators")]
