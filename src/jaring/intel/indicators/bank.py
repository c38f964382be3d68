"""Bank accounts: an IBAN, or a bank (SWIFT BIC or national code) plus account digits.

ASEAN countries do not use IBANs, so most reports name a bank and an account number. The
bank is reduced to its 8-character BIC (branch codes dropped: account numbers are unique
per bank, and reports rarely agree on the branch) or, failing that, country plus national
bank code.
"""

from __future__ import annotations

import re
from functools import lru_cache

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from .base import IndicatorKind, InvalidIndicator, Normalised, fail

KIND = IndicatorKind.BANK_ACCOUNT

# Common names and short names of ASEAN banks → {country: BIC}. Only BICs we are sure of;
# anything else must be given as a BIC or a national bank code.
_BANKS: dict[tuple[str, ...], dict[str, str]] = {
    # Singapore
    ("dbs", "dbsbank", "posb", "developmentbankofsingapore"): {"SG": "DBSSSGSG"},
    ("ocbc", "ocbcbank", "overseachinesebankingcorporation"): {"SG": "OCBCSGSG"},
    ("uob", "unitedoverseasbank"): {"SG": "UOVBSGSG"},
    ("standardcharteredsingapore",): {"SG": "SCBLSGSG"},
    # Malaysia
    ("maybank", "malayanbanking", "malayanbankingberhad"): {"MY": "MBBEMYKL"},
    ("cimb", "cimbbank"): {"MY": "CIBBMYKL", "ID": "BNIAIDJA"},
    ("cimbniaga",): {"ID": "BNIAIDJA"},
    ("publicbank", "pbb"): {"MY": "PBBEMYKL"},
    ("rhb", "rhbbank"): {"MY": "RHBBMYKL"},
    ("hongleong", "hongleongbank", "hlb"): {"MY": "HLBBMYKL"},
    ("ambank",): {"MY": "ARBKMYKL"},
    ("bankislam", "bankislammalaysia"): {"MY": "BIMBMYKL"},
    # Indonesia
    ("bca", "bankcentralasia"): {"ID": "CENAIDJA"},
    ("bri", "bankrakyatindonesia"): {"ID": "BRINIDJA"},
    ("mandiri", "bankmandiri"): {"ID": "BMRIIDJA"},
    ("bni", "banknegaraindonesia"): {"ID": "BNINIDJA"},
    ("danamon", "bankdanamon"): {"ID": "BDINIDJA"},
    ("permata", "permatabank", "bankpermata"): {"ID": "BBBAIDJA"},
    ("bsi", "banksyariahindonesia"): {"ID": "BSMDIDJA"},
    # Thailand
    ("bangkokbank", "bbl"): {"TH": "BKKBTHBK"},
    ("kasikorn", "kasikornbank", "kbank"): {"TH": "KASITHBK"},
    ("scb", "siamcommercialbank"): {"TH": "SICOTHBK"},
    ("krungthai", "krungthaibank", "ktb"): {"TH": "KRTHTHBK"},
    ("krungsri", "bankofayudhya"): {"TH": "AYUDTHBK"},
    ("ttb", "tmbthanachart", "tmbthanachartbank"): {"TH": "TMBKTHBK"},
    ("gsb", "governmentsavingsbank"): {"TH": "GSBATHBK"},
    # Philippines
    ("bdo", "bdounibank", "bancodeoro"): {"PH": "BNORPHMM"},
    ("bpi", "bankofthephilippineislands"): {"PH": "BOPIPHMM"},
    ("metrobank", "metropolitanbankandtrust"): {"PH": "MBTCPHMM"},
    ("landbank", "landbankofthephilippines"): {"PH": "TLBPPHMM"},
    ("securitybank",): {"PH": "SETCPHMM"},
    ("pnb", "philippinenationalbank"): {"PH": "PNBMPHMM"},
    ("rcbc", "rizalcommercialbankingcorporation"): {"PH": "RCBCPHMM"},
    ("unionbank", "unionbankofthephilippines"): {"PH": "UBPHPHMM"},
    ("chinabank", "chinabankingcorporation"): {"PH": "CHBKPHMM"},
    ("eastwest", "eastwestbank"): {"PH": "EWBCPHMM"},
    # Viet Nam
    ("vietcombank", "vcb"): {"VN": "BFTVVNVX"},
    ("techcombank", "tcb"): {"VN": "VTCBVNVX"},
    ("bidv",): {"VN": "BIDVVNVX"},
    ("vietinbank",): {"VN": "ICBVVNVX"},
    ("agribank",): {"VN": "VBAAVNVX"},
    ("acb", "asiacommercialbank"): {"VN": "ASCBVNVX"},
    ("mbbank", "militarybank", "mb"): {"VN": "MSCBVNVX"},
    ("vpbank",): {"VN": "VPBKVNVX"},
    ("sacombank",): {"VN": "SGTTVNVX"},
    # Cambodia, Lao PDR, Myanmar, Brunei
    ("acleda", "acledabank"): {"KH": "ACLBKHPP"},
    ("aba", "ababank", "advancedbankofasia"): {"KH": "ABAAKHPP"},
    ("canadia", "canadiabank"): {"KH": "CADIKHPP"},
    ("bcel", "banquepourlecommerceexterieurlao"): {"LA": "COEBLALA"},
    ("kbz", "kbzbank", "kanbawzabank"): {"MM": "KBZBMMMY"},
    ("bibd", "bankislambruneidarussalam"): {"BN": "BIBDBNBB"},
}
BANK_NAMES = {alias: by_country for aliases, by_country in _BANKS.items() for alias in aliases}
KNOWN_BICS = frozenset(bic for by_country in _BANKS.values() for bic in by_country.values())

_KEY = re.compile(r"[^a-z0-9]")
_BIC_SHAPE = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_NATIONAL_CODE = re.compile(r"[A-Z0-9]{2,11}")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_ACCOUNT_SEPARATORS = re.compile(r"[\s\-./]")
_BANK_THEN_ACCOUNT = re.compile(r"(.*?[A-Za-z].*?)\s*[\s:|,]\s*(\d[\d\s\-.]*)")
_VALUE = re.compile(r"bank:([A-Z0-9]{8}|[A-Z]{2}:[A-Z0-9]{2,11}):(\d+)")
_BANK_KEYWORDS = re.compile(r"\b(bank|berhad|bhd|tbk|plc|pcl|ltd|limited|inc)\b")


def _name_key(name: str) -> str:
    return _KEY.sub("", name.casefold())


@lru_cache(maxsize=4096)
def _bic(code: str) -> str:
    """Validate a BIC; return it (11 chars unless the branch is the XXX head office)."""
    BIC(code)
    return code[:8] if code.endswith("XXX") else code


def _resolve_bank(raw: object, bank: str, country: str | None) -> tuple[str, dict[str, str]]:
    """Return (value prefix, attributes) for a bank given as BIC, known name or code."""
    compact = bank.strip().upper().replace(" ", "")
    # Names first: "AGRIBANK" also fits the BIC pattern (a bank in Bosnia, "BA").
    by_country = BANK_NAMES.get(_name_key(bank))
    if by_country is None:
        by_country = BANK_NAMES.get(_name_key(_BANK_KEYWORDS.sub("", bank.casefold())))
    if by_country is not None:
        if country in by_country:
            bic = by_country[country]
        elif len(by_country) == 1:
            bic = next(iter(by_country.values()))
        else:
            raise fail(KIND, raw, f"{bank!r} names banks in several countries — give the country")
        return bic, {"bic": bic, "bank_country": bic[4:6], "bank_name": bank.strip()}
    # Any 8-letter word fits the BIC pattern ("Fakebank" would be a bank in Bosnia), so a
    # BIC must be written in capitals unless it is one we know.
    typed_as_bic = bank.strip() == compact or compact[:8] in KNOWN_BICS
    if typed_as_bic and _BIC_SHAPE.fullmatch(compact):
        try:
            bic = _bic(compact)
        except SchwiftyException:
            pass
        else:
            return bic[:8], {"bic": bic, "bank_country": bic[4:6]}
    if _NATIONAL_CODE.fullmatch(compact) and any(c.isdigit() for c in compact):
        if country is None:
            raise fail(KIND, raw, "a national bank code needs the bank's country")
        return f"{country}:{compact}", {"bank_code": compact, "bank_country": country}
    raise fail(KIND, raw, "unknown bank — give a SWIFT BIC, or a national bank code and country")


def _account_digits(raw: object, account: str) -> str:
    digits = _ACCOUNT_SEPARATORS.sub("", account)
    if not digits:
        raise fail(KIND, raw, "no account number")
    if not digits.isdigit() or not digits.isascii():
        raise fail(KIND, raw, "account numbers may only contain digits, spaces and dashes")
    if not 5 <= len(digits) <= 20:
        raise fail(KIND, raw, "account numbers have 5 to 20 digits")
    return digits


def _iban(raw: object, compact: str) -> Normalised:
    try:
        iban = IBAN(compact)
    except SchwiftyException as exc:
        reason = str(exc).rstrip(".").lower()
        if "checksum" in reason:
            reason = "checksum does not match — probably a typo"
        raise fail(KIND, raw, f"invalid IBAN: {reason}") from None
    attributes = {
        "iban": iban.compact,
        "bank_country": iban.country_code,
        "bank_code": iban.bank_code,
        "account_code": iban.account_code,
    }
    return Normalised(KIND, f"iban:{iban.compact}", iban.formatted, attributes)


def normalise_bank_account(
    raw: str, *, bank: str | None = None, country: str | None = None
) -> Normalised:
    """Normalise an account; ``bank`` names the bank when ``raw`` holds only the number.

    Without ``bank``, ``raw`` may be an IBAN, ``<bank> <account>`` ("Maybank 1234 5678
    9012", "DBSSSGSG:0123456789") or a canonical value (``bank:DBSSSGSG:0123456789``).
    """
    if not isinstance(raw, str):
        raise fail(KIND, raw, "not text")
    text = raw.strip()
    if not text:
        raise fail(KIND, raw, "empty")
    compact = text.replace(" ", "").replace("-", "").upper()
    if compact.startswith("IBAN:"):
        return _iban(raw, compact[5:])
    if bank is None and _IBAN_SHAPE.fullmatch(compact):
        try:
            return _iban(raw, compact)
        except InvalidIndicator:
            # "MB 0090 1813 1931" has the shape of an IBAN but is MB Bank plus an account.
            split = _BANK_THEN_ACCOUNT.fullmatch(text)
            if not split or _name_key(split.group(1)) not in BANK_NAMES:
                raise
    account = text
    if bank is None:
        canonical = _VALUE.fullmatch(text)
        if canonical:
            bank_part, account = canonical.group(1), canonical.group(2)
            code_country, _, code = bank_part.rpartition(":")
            if code_country:
                bank_part, country = code, code_country
        else:
            split = _BANK_THEN_ACCOUNT.fullmatch(text)
            if not split:
                raise fail(KIND, raw, "name the bank (SWIFT BIC or bank name) with the account")
            bank_part, account = split.group(1), split.group(2)
        bank = bank_part
    prefix, attributes = _resolve_bank(raw, bank, country)
    digits = _account_digits(raw, account)
    attributes["account_number"] = digits
    value = f"bank:{prefix}:{digits}"
    display = f"{attributes.get('bank_name') or attributes.get('bic') or prefix} {digits}"
    return Normalised(KIND, value, display, attributes)
