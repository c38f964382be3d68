"""Indicator normalisers for cross-border fraud intelligence.

Every kind of indicator a scam report can name (phone numbers, bank accounts, e-wallets,
crypto wallets, URLs, domains, IP addresses, e-mail addresses, social handles) has one
canonical matching key, so reports from different member states meet on the same value.
See docs/intel/indicators.md for each kind's rules.
"""

from .bank import normalise_bank_account
from .base import IndicatorKind, InvalidIndicator, Normalised, refang
from .crypto import normalise_crypto
from .email import normalise_email
from .ewallet import normalise_ewallet
from .network import normalise_ip
from .phone import normalise_phone
from .registry import guess_kind, normalise
from .social import normalise_social
from .url import normalise_domain, normalise_url

__all__ = [
    "IndicatorKind",
    "InvalidIndicator",
    "Normalised",
    "guess_kind",
    "normalise",
    "normalise_bank_account",
    "normalise_crypto",
    "normalise_domain",
    "normalise_email",
    "normalise_ewallet",
    "normalise_ip",
    "normalise_phone",
    "normalise_social",
    "normalise_url",
    "refang",
]
