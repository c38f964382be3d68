"""Micro-benchmark of the indicator normalisers: normalisations per second, per kind.

    .venv/bin/python benchmarks/intel_normalise.py [--count 20000] [--seed 7]

Inputs are generated from a fixed seed in the messy forms reports use (local phone
formats with separators, bank names, checksummed wallets, URLs with trackers...). Every
phone number, wallet, URL host and handle is distinct, so the per-value caches do not
flatter the figures; only e-mail domains and bank names repeat, as they do in real data.
Real imports repeat indicators too and run faster. One core, one process; the rate is per
second of this process's CPU time, so a busy machine does not distort it much.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from jaring.intel.indicators import InvalidIndicator, normalise
from jaring.intel.indicators.bank import BANK_NAMES
from jaring.intel.indicators.crypto import base58check_encode, eip55, segwit_encode

Case = tuple[str, str, str | None, str | None]  # kind, raw, country, hint

_SEPARATORS = ["", " ", "-", "."]


def _spaced(rng: random.Random, digits: str) -> str:
    sep = rng.choice(_SEPARATORS)
    return sep.join([digits[:3], digits[3:6], digits[6:]])


def phones(rng: random.Random, n: int) -> list[Case]:
    forms = [
        ("PH", lambda: "09" + "".join(rng.choices("0123456789", k=9)), True),
        ("TH", lambda: "08" + "".join(rng.choices("0123456789", k=8)), True),
        ("SG", lambda: rng.choice("89") + "".join(rng.choices("0123456789", k=7)), True),
        ("ID", lambda: "0812" + "".join(rng.choices("0123456789", k=8)), True),
        ("MY", lambda: "012" + "".join(rng.choices("0123456789", k=7)), True),
        ("VN", lambda: "09" + "".join(rng.choices("0123456789", k=8)), True),
    ]
    out = []
    for _ in range(n):
        country, make, _local = rng.choice(forms)
        out.append(("phone", _spaced(rng, make()), country, None))
    return out


def banks(rng: random.Random, n: int) -> list[Case]:
    names = sorted(BANK_NAMES)
    out = []
    for _ in range(n):
        digits = "".join(rng.choices("0123456789", k=rng.randint(8, 14)))
        name = rng.choice(names)
        country = next(iter(BANK_NAMES[name]))
        if rng.random() < 0.5:
            out.append(("bank_account", _spaced(rng, digits), country, name.upper()))
        else:
            out.append(("bank_account", f"{name} {digits}", country, None))
    return out


def ewallets(rng: random.Random, n: int) -> list[Case]:
    providers = [("GCash", "09", 9), ("DANA", "0812", 8), ("TrueMoney", "08", 8),
                 ("MoMo", "09", 8), ("Touch 'n Go", "012", 7), ("PayNow", "9", 7)]  # fmt: skip
    out = []
    for _ in range(n):
        name, prefix, k = rng.choice(providers)
        number = prefix + "".join(rng.choices("0123456789", k=k))
        out.append(("ewallet", f"{name} {_spaced(rng, number)}", None, None))
    return out


def wallets(rng: random.Random, n: int) -> list[Case]:
    out = []
    for i in range(n):
        payload = rng.randbytes(20)
        choice = i % 5
        if choice == 0:
            raw = base58check_encode(0x41, payload)
        elif choice == 1:
            raw = base58check_encode(rng.choice([0x00, 0x05]), payload)
        elif choice == 2:
            raw = segwit_encode("bc", 0, payload)
        elif choice == 3:
            raw = eip55(payload.hex())
        else:
            raw = "0x" + payload.hex()
        out.append(("crypto_wallet", raw, None, None))
    return out


def urls(rng: random.Random, n: int) -> list[Case]:
    tlds = ["com", "co.th", "com.sg", "com.my", "co.id", "com.ph", "vn", "xyz", "top", "shop"]
    out = []
    for _ in range(n):
        host = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(5, 12)))
        host = f"{rng.choice(['', 'www.', 'login.'])}{host}.{rng.choice(tlds)}"
        path = "/".join(rng.choices(["login", "verify", "account", "pay", "id"], k=2))
        query = rng.choice(["", "?utm_source=sms&id=4", "?fbclid=abc", "?ref=77"])
        scheme = rng.choice(["https://", "http://", "hxxps://", ""])
        if scheme == "hxxps://":
            host = host.replace(".", "[.]")
        out.append(("url", f"{scheme}{host}/{path}{query}", None, None))
    return out


def domains(rng: random.Random, n: int) -> list[Case]:
    return [("domain", u[1].split("//")[-1].split("/")[0], None, None) for u in urls(rng, n)]


def ips(rng: random.Random, n: int) -> list[Case]:
    out = []
    for i in range(n):
        if i % 4:
            raw = ".".join(str(rng.randint(1, 254)) for _ in range(4))
        else:
            raw = ":".join(f"{rng.randint(0, 0xFFFF):x}" for _ in range(8))
        out.append(("ip", raw, None, None))
    return out


def emails(rng: random.Random, n: int) -> list[Case]:
    domains_ = ["gmail.com", "yahoo.com", "outlook.com", "example.co.th", "mail.com.my"]
    out = []
    for _ in range(n):
        local = "".join(rng.choices("abcdefghij.", k=rng.randint(5, 12))).strip(".")
        local = local.replace("..", ".") or "x"
        tag = rng.choice(["", "+shop", ""])
        out.append(("email", f"{local.title()}{tag}@{rng.choice(domains_)}", None, None))
    return out


def socials(rng: random.Random, n: int) -> list[Case]:
    out = []
    for _ in range(n):
        handle = "s" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789_", k=10))
        form = rng.choice([("@" + handle, "telegram"), ("t.me/" + handle, None),
                           ("https://www.instagram.com/" + handle + "/", None),
                           ("https://www.tiktok.com/@" + handle, None)])  # fmt: skip
        out.append(("social_handle", form[0], None, form[1]))
    return out


GENERATORS: dict[str, Callable[[random.Random, int], list[Case]]] = {
    "phone": phones,
    "bank_account": banks,
    "ewallet": ewallets,
    "crypto_wallet": wallets,
    "url": urls,
    "domain": domains,
    "ip": ips,
    "email": emails,
    "social_handle": socials,
}


def run(cases: list[Case]) -> tuple[float, int]:
    rejected = 0
    start = time.process_time()
    for kind, raw, country, hint in cases:
        try:
            normalise(kind, raw, country=country, hint=hint)
        except InvalidIndicator:
            rejected += 1
    return time.process_time() - start, rejected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000, help="inputs per kind")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    everything: list[Case] = []
    print(f"{'kind':<14} {'per second':>12} {'µs each':>9} {'rejected':>9}")
    for kind, generate in GENERATORS.items():
        cases = generate(rng, args.count)
        everything += cases
        run(cases[:200])  # warm-up: imports, lazy metadata, the PSL trie
        elapsed, rejected = run(cases)
        rate = len(cases) / elapsed
        print(f"{kind:<14} {rate:>12,.0f} {1e6 / rate:>9.1f} {rejected:>9}")
    rng.shuffle(everything)
    elapsed, rejected = run(everything)
    rate = len(everything) / elapsed
    print(f"{'mixed':<14} {rate:>12,.0f} {1e6 / rate:>9.1f} {rejected:>9}")


if __name__ == "__main__":
    main()
