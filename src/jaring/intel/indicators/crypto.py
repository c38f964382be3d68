"""Crypto wallet addresses: chain detected, checksum verified.

Bitcoin (base58check P2PKH/P2SH, bech32 witness v0, bech32m witness v1+), Ethereum and
other EVM chains (EIP-55), TRON (base58check, version 0x41). The bech32 package pinned
in the dependencies predates BIP-350, so both checksums are implemented here.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import base58

from .base import IndicatorKind, Normalised, fail
from .keccak import keccak256

KIND = IndicatorKind.CRYPTO_WALLET
TYPO = "checksum does not match — probably a typo"

_B58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
_ETH = re.compile(r"0[xX]([0-9a-fA-F]{40})")
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUES = {c: i for i, c in enumerate(_BECH32_CHARSET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)

# Hints people give for the chain, mapped to the chain whose address format they use.
# USDT/USDC exist on several chains; the token standard names the chain.
CHAIN_ALIASES = {
    "btc": "btc", "bitcoin": "btc", "xbt": "btc",
    "eth": "eth", "ethereum": "eth", "erc20": "eth", "evm": "eth", "bep20": "eth",
    "bsc": "eth", "bnb": "eth", "bnbchain": "eth", "polygon": "eth", "matic": "eth",
    "arbitrum": "eth", "optimism": "eth", "base": "eth", "avaxc": "eth",
    "trx": "tron", "tron": "tron", "trc20": "tron", "usdttrc20": "tron",
    "usdterc20": "eth", "usdtbep20": "eth",
}  # fmt: skip
_HINT_KEY = re.compile(r"[^a-z0-9]")
_CHAIN_NAMES = {"btc": "a Bitcoin", "eth": "an Ethereum (EVM)", "tron": "a TRON"}


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def base58check_encode(version: int, payload: bytes) -> str:
    body = bytes([version]) + payload
    return base58.b58encode(body + _sha256d(body)[:4]).decode("ascii")


def _base58check(raw: str, text: str) -> bytes:
    if not _B58.fullmatch(text):
        raise fail(KIND, raw, "contains characters that base58 addresses never use (0, O, I, l)")
    data = base58.b58decode(text)
    if len(data) != 25:
        raise fail(KIND, raw, "wrong length for a base58 address")
    if _sha256d(data[:-4])[:4] != data[-4:]:
        raise fail(KIND, raw, TYPO)
    return data[:-4]


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            if (top >> i) & 1:
                chk ^= _GENERATOR[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: list[int], frombits: int, tobits: int, pad: bool) -> list[int] | None:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """Encode a segwit address (bech32 for v0, bech32m for v1+), per BIP-173/BIP-350."""
    data = [version, *(_convertbits(list(program), 8, 5, True) or [])]
    const = _BECH32_CONST if version == 0 else _BECH32M_CONST
    polymod = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32_CHARSET[d] for d in data + checksum)


def _segwit(raw: str, text: str) -> tuple[str, str]:
    if text != text.lower() and text != text.upper():
        raise fail(KIND, raw, "mixes upper and lower case, which bech32 forbids")
    text = text.lower()
    if len(text) > 90:
        raise fail(KIND, raw, "too long for a bech32 address")
    pos = text.rfind("1")
    hrp, rest = text[:pos], text[pos + 1 :]
    if hrp in ("tb", "bcrt"):
        raise fail(KIND, raw, "a Bitcoin testnet address, not a real wallet")
    if hrp != "bc":
        raise fail(KIND, raw, "not a Bitcoin address")
    try:
        data = [_BECH32_VALUES[c] for c in rest]
    except KeyError:
        raise fail(KIND, raw, "contains characters that bech32 never uses (1, b, i, o)") from None
    if len(data) < 7:
        raise fail(KIND, raw, "too short")
    const = _polymod(_hrp_expand(hrp) + data)
    version = data[0]
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        raise fail(KIND, raw, TYPO)
    if version > 16:
        raise fail(KIND, raw, "unknown witness version")
    if (version == 0) != (const == _BECH32_CONST):
        # Right characters, wrong checksum flavour (BIP-350): a v1+ address written with
        # the old bech32 constant, or the reverse. Wallets refuse to pay these.
        raise fail(KIND, raw, "checksum variant does not match the witness version")
    program = _convertbits(data[1:-6], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        raise fail(KIND, raw, "invalid witness program")
    if version == 0:
        if len(program) == 20:
            return text, "p2wpkh"
        if len(program) == 32:
            return text, "p2wsh"
        raise fail(KIND, raw, "invalid witness program length")
    if version == 1 and len(program) == 32:
        return text, "p2tr"
    return text, f"witness_v{version}"


@lru_cache(maxsize=16384)
def eip55(hex40: str) -> str:
    """Return the EIP-55 checksummed form of 40 hex digits (any case)."""
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    pairs = zip(lower, digest[:40], strict=True)
    return "0x" + "".join(c.upper() if c.isalpha() and int(h, 16) >= 8 else c for c, h in pairs)


def _ethereum(raw: str, text: str) -> Normalised:
    match = _ETH.fullmatch(text)
    if not match:
        raise fail(KIND, raw, "an Ethereum address is 0x followed by 40 hex digits")
    hexpart = match.group(1)
    if hexpart != hexpart.lower() and hexpart != hexpart.upper():
        if eip55(hexpart) != "0x" + hexpart:
            raise fail(KIND, raw, TYPO)
        checksummed = True
    else:
        checksummed = False
    value = "0x" + hexpart.lower()
    attributes = {"chain": "eth", "address_type": "account", "checksummed": checksummed}
    display = "0x" + hexpart if checksummed else value
    return Normalised(KIND, f"crypto:eth:{value}", display, attributes)


def _is_segwit(text: str) -> bool:
    head = text[:5].lower()
    if head.startswith("bc1") or head == "bcrt1":
        return True
    # "tb1" is the testnet prefix, but TRON addresses can start with "TB1" too; bech32
    # is single-case, so a mixed-case string is a TRON address.
    return head.startswith("tb1") and (text == text.lower() or text == text.upper())


def _detect(text: str) -> str:
    if text[:2] in ("0x", "0X"):
        return "eth"
    if _is_segwit(text):
        return "btc"
    if text[:1] == "T":
        return "tron"
    if text[:1] in ("1", "3", "m", "n", "2"):
        return "btc"
    return ""


def chain_from_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    chain = CHAIN_ALIASES.get(_HINT_KEY.sub("", hint.casefold()))
    if chain is None:
        raise ValueError(f"chain: unknown chain {hint!r}")
    return chain


def normalise_crypto(raw: str, hint: str | None = None) -> Normalised:
    if not isinstance(raw, str):
        raise fail(KIND, raw, "not text")
    text = raw.strip()
    if text.lower().startswith(("bitcoin:", "ethereum:", "tron:")):
        # Payment URIs (BIP-21 and friends) wrap the address; amounts and labels are noise.
        text = text.split(":", 1)[1].split("?", 1)[0].split("@", 1)[0]
    if not text:
        raise fail(KIND, raw, "empty")
    wanted = chain_from_hint(hint)
    chain = _detect(text)
    if not chain:
        raise fail(KIND, raw, "not a Bitcoin, Ethereum or TRON address")
    if wanted and wanted != chain:
        raise fail(KIND, raw, f"not {_CHAIN_NAMES[wanted]} address")
    if chain == "eth":
        return _ethereum(raw, text)
    if chain == "btc" and _is_segwit(text):
        address, kind = _segwit(raw, text)
        return Normalised(
            KIND, f"crypto:btc:{address}", address, {"chain": "btc", "address_type": kind}
        )
    body = _base58check(raw, text)
    version = body[0]
    if chain == "tron":
        if version != 0x41:
            raise fail(KIND, raw, "not a TRON address")
        kind = "account"
    elif version == 0x00:
        kind = "p2pkh"
    elif version == 0x05:
        kind = "p2sh"
    elif version in (0x6F, 0xC4):
        raise fail(KIND, raw, "a Bitcoin testnet address, not a real wallet")
    else:
        raise fail(KIND, raw, "not a Bitcoin address")
    return Normalised(KIND, f"crypto:{chain}:{text}", text, {"chain": chain, "address_type": kind})
