"""E-mail addresses: validated, case-folded, provider aliasing undone where it is documented.

The whole address is case-folded. RFC 5321 lets a server treat local parts as
case-sensitive, but no mail provider in use does, and scam reports type addresses by
hand; folding merges far more true duplicates than it could ever wrongly join.
"""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from .base import IndicatorKind, Normalised, fail, refang

KIND = IndicatorKind.EMAIL

_GOOGLE = frozenset({"gmail.com", "googlemail.com"})
_PLUS = frozenset({
    "gmail.com",
    "outlook.com", "hotmail.com", "live.com", "msn.com",
    "icloud.com", "me.com", "mac.com",
    "protonmail.com", "protonmail.ch", "proton.me", "pm.me",
    "fastmail.com", "fastmail.fm",
})  # fmt: skip
# Yahoo disposable addresses are "base-keyword@"; Yahoo IDs cannot contain "-", so the
# part before the first hyphen identifies the owner.
_HYPHEN = frozenset({
    "yahoo.com", "ymail.com", "rocketmail.com", "yahoo.co.id", "yahoo.com.sg",
    "yahoo.com.my", "yahoo.com.ph", "yahoo.co.th", "yahoo.com.vn", "yahoo.co.uk",
})  # fmt: skip
_PROVIDERS = {
    "gmail.com": "google", "outlook.com": "microsoft", "hotmail.com": "microsoft",
    "live.com": "microsoft", "msn.com": "microsoft", "icloud.com": "apple", "me.com": "apple",
    "mac.com": "apple", "protonmail.com": "proton", "protonmail.ch": "proton",
    "proton.me": "proton", "pm.me": "proton", "fastmail.com": "fastmail",
    "fastmail.fm": "fastmail",
}  # fmt: skip
PROVIDER_DOMAINS = {"dots_ignored": _GOOGLE, "plus_tags": _PLUS, "hyphen_tags": _HYPHEN}

# An unquoted ASCII dot-atom: a strict subset of what email_validator accepts, so an
# address of this shape only needs its domain checked — and domains repeat, so that check
# is cached. Anything else goes through email_validator in full.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def _reason(exc: EmailNotValidError) -> str:
    reason = str(exc).rstrip(".")
    return reason[:1].lower() + reason[1:]


@lru_cache(maxsize=16384)
def _domain(domain: str) -> tuple[str, str] | str:
    """(ascii domain, unicode domain) as email_validator reads it, or its reason to refuse."""
    try:
        checked = validate_email("x@" + domain, check_deliverability=False)
    except EmailNotValidError as exc:
        return _reason(exc)
    return checked.ascii_domain, checked.domain


def _validate(raw: object, text: str) -> tuple[str, str, str]:
    """Return (local part, ascii domain, unicode domain) of a valid address."""
    local, _, domain = text.rpartition("@")
    if len(local) <= 64 and domain.isascii() and _PLAIN_LOCAL.fullmatch(local):
        found = _domain(domain)
        if isinstance(found, str):
            raise fail(KIND, raw, found)
        if len(local) + 1 + len(found[0]) <= 254:
            return local, found[0], found[1]
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise fail(KIND, raw, _reason(exc)) from None
    return checked.local_part, checked.ascii_domain, checked.domain


def normalise_email(raw: str) -> Normalised:
    if not isinstance(raw, str):
        raise fail(KIND, raw, "not text")
    text = refang(raw)
    if text.lower().startswith("mailto:"):
        text = text[7:].split("?", 1)[0]
    if not text:
        raise fail(KIND, raw, "empty")
    if "@" not in text:
        raise fail(KIND, raw, "no @ sign")
    local_part, ascii_domain, unicode_domain = _validate(raw, text)
    local = local_part.casefold()
    domain = ascii_domain.lower()
    if domain in _GOOGLE:
        domain = "gmail.com"
        local = local.replace(".", "")
    tag_removed = False
    if domain in _PLUS and "+" in local:
        local = local.split("+", 1)[0]
        tag_removed = True
    elif domain in _HYPHEN and "-" in local:
        local = local.split("-", 1)[0]
        tag_removed = True
    if not local:
        raise fail(KIND, raw, "nothing left before the @ once the tag is removed")
    value = f"{local}@{domain}"
    attributes: dict[str, object] = {"domain": domain}
    if domain in _PROVIDERS or domain in _HYPHEN:
        attributes["provider"] = _PROVIDERS.get(domain, "yahoo")
    if tag_removed:
        attributes["tag_removed"] = True
    if unicode_domain != ascii_domain:
        attributes["unicode_domain"] = unicode_domain
    return Normalised(KIND, value, f"{local_part}@{unicode_domain}", attributes)
