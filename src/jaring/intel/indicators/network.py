"""IP addresses: canonical compressed form; non-public addresses accepted but flagged."""

from __future__ import annotations

import ipaddress

from .base import IndicatorKind, Normalised, fail, refang

KIND = IndicatorKind.IP


def normalise_ip(raw: str) -> Normalised:
    if not isinstance(raw, str):
        raise fail(KIND, raw, "not text")
    text = refang(raw)
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text:
        raise fail(KIND, raw, "empty")
    if "/" in text:
        raise fail(KIND, raw, "a network range, not a single address")
    if "%" in text:
        # Zone indices name an interface on the reporter's machine, never the attacker's.
        raise fail(KIND, raw, "scoped (link-local zone) addresses are not indicators")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        if text.count(".") == 3 and all(p.isdigit() for p in text.split(".")):
            reason = "octets must be 0 to 255 without leading zeros"
        else:
            reason = "not an IPv4 or IPv6 address"
        raise fail(KIND, raw, reason) from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:203.0.113.5 is the same host as 203.0.113.5 as far as a report goes.
        address = address.ipv4_mapped
    value = address.compressed
    attributes = {
        "version": address.version,
        "is_global": address.is_global,
        "is_private": address.is_private,
        "is_loopback": address.is_loopback,
        "is_reserved": address.is_reserved or address.is_unspecified or address.is_multicast,
    }
    return Normalised(KIND, value, value, attributes)
