"""URLs and domains: canonical form plus the registrable domain from the bundled PSL."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

import idna
import tldextract

from .base import IndicatorKind, Normalised, fail, refang

URL = IndicatorKind.URL
DOMAIN = IndicatorKind.DOMAIN

# Query parameters that only track the click. "ref" and friends are deliberately kept:
# referral codes in scam invitation links identify the recruiter and are evidence.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "mc_eid", "mc_cid",
    "igshid", "igsh", "yclid", "_ga", "_gl", "twclid", "ttclid", "li_fat_id", "mkt_tok",
    "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "oly_enc_id", "oly_anon_id", "vero_id",
    "rb_clickid", "wickedid", "s_cid",
})  # fmt: skip
TRACKING_PREFIXES = ("utm_",)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_ASCII_HOST = re.compile(r"(?:[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?\.)*"
                         r"[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?")  # fmt: skip
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/?%:@!$'()*+,;-._~="
_BLANKS = re.compile(r"[ \t\r\n]")
_CLEAN_PATH = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=\-_~]*")


class _Extractor:
    """The tldextract extractor, built on first use from the bundled snapshot only.

    ``suffix_list_urls=()`` forbids fetching the live list and ``cache_dir=None`` keeps it
    off the disk, so classification is reproducible and needs no network. Private
    suffixes (pages.dev, github.io, blogspot.com...) are on: each site under them belongs
    to a different person, which is what fraud matching needs.
    """

    instance: tldextract.TLDExtract | None = None

    @classmethod
    def get(cls) -> tldextract.TLDExtract:
        if cls.instance is None:
            cls.instance = tldextract.TLDExtract(
                suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
            )
        return cls.instance


class _HostError(Exception):
    pass


@lru_cache(maxsize=65536)
def _host(host: str) -> tuple[str, str, str, str, str, bool]:
    """Return (ascii host, unicode host, registrable, icann registrable, suffix, is_ip).

    Cached: a bulk import sees the same few thousand hosts over and over.
    """
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    # An address is dotted decimals or has colons; trying every name (most of an
    # import's hosts are new) cost two exceptions each.
    if host[:1].isdigit() or ":" in host:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            text = str(address)
            return text, text, text, text, "", True
    host = host.rstrip(".")
    if not host:
        raise _HostError("no host name")
    if _ASCII_HOST.fullmatch(host) and "xn--" not in host:
        ascii_host = unicode_host = host
    else:
        try:
            ascii_host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
            unicode_host = idna.decode(ascii_host)
        except (idna.IDNAError, UnicodeError, ValueError):
            raise _HostError("host name is not a valid (internationalised) domain name") from None
    if len(ascii_host) > 253:
        raise _HostError("host name is too long")
    extractor = _Extractor.get()
    parts = extractor.extract_str(ascii_host)
    if not parts.suffix:
        raise _HostError("no recognised public suffix (top-level domain)")
    if not parts.domain:
        if not parts.is_private:
            raise _HostError("is a public suffix, not a site")
        # The host is itself a private suffix (github.io): the operator's own site.
        parts = extractor.extract_str(ascii_host, include_psl_private_domains=False)
        if not parts.domain:
            raise _HostError("is a public suffix, not a site")
    registrable = parts.top_domain_under_public_suffix
    icann = parts.top_domain_under_registry_suffix
    return ascii_host, unicode_host, registrable, icann, parts.suffix, False


def _host_attributes(result: tuple[str, str, str, str, str, bool]) -> dict[str, object]:
    ascii_host, unicode_host, registrable, icann, suffix, is_ip = result
    if is_ip:
        return {"host": ascii_host, "host_is_ip": True}
    attributes: dict[str, object] = {
        "host": ascii_host,
        "host_is_ip": False,
        "registrable_domain": registrable,
        "suffix": suffix,
    }
    if icann != registrable:
        attributes["icann_registrable_domain"] = icann
    if unicode_host != ascii_host:
        attributes["unicode_host"] = unicode_host
    return attributes


def _escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _normalise_component(text: str, safe: str) -> str:
    if "%" in text:
        text = _STRAY_PERCENT.sub("%25", text)
        text = _ESCAPE.sub(_escape, text)
    return quote(text, safe=safe)


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.endswith(("/.", "/..")) and output:
        output.append("")
    return "/" + "/".join(output)


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    if not path.startswith("/"):
        path = "/" + path
    if not _CLEAN_PATH.fullmatch(path):
        path = _normalise_component(path, _PATH_SAFE)
    # After decoding, so "%2E%2E" segments are resolved too and a second pass is a no-op.
    if "/." in path:
        path = _remove_dot_segments(path)
    return path


def _is_tracker(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _normalise_query(query: str) -> tuple[str, list[str]]:
    """Drop trackers and empty pairs; keep the remaining order (it can matter to the site)."""
    kept: list[str] = []
    dropped: list[str] = []
    for pair in query.split("&"):
        if not pair:
            continue
        key = pair.split("=", 1)[0]
        if _is_tracker(key):
            dropped.append(key)
        else:
            kept.append(_normalise_component(pair, _QUERY_SAFE))
    return "&".join(kept), dropped


def normalise_url(raw: str) -> Normalised:
    if not isinstance(raw, str):
        raise fail(URL, raw, "not text")
    text = refang(raw)
    if not text:
        raise fail(URL, raw, "empty")
    if _BLANKS.search(text):
        text = text.replace(" ", "%20")
        if any(c in text for c in "\t\r\n"):
            raise fail(URL, raw, "contains line breaks or tabs")
    match = _SCHEME.match(text)
    if text.startswith("//"):
        text = "http:" + text
    elif match and text[match.end() : match.end() + 2] == "//":
        scheme = match.group(1).lower()
        if scheme not in _DEFAULT_PORTS:
            raise fail(URL, raw, f"only http and https links are accepted, not {scheme}:")
    elif match and "." not in match.group(1) and not text[match.end() :][:1].isdigit():
        # "javascript:...", "mailto:...", "data:..." — no authority, never a web address.
        raise fail(URL, raw, f"only http and https links are accepted, not {match.group(1)}:")
    else:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise fail(URL, raw, "malformed host or port") from None
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        host = host[: host.find("]") + 1]
    elif ":" in host:
        host = host.rsplit(":", 1)[0]
    try:
        host_info = _host(host.lower())
    except _HostError as exc:
        raise fail(URL, raw, str(exc)) from None
    ascii_host, unicode_host = host_info[0], host_info[1]
    if host_info[5] and ":" in ascii_host:
        ascii_host = unicode_host = f"[{ascii_host}]"
    authority = ascii_host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        authority += f":{port}"
    path = _normalise_path(parts.path)
    query, dropped = _normalise_query(parts.query) if parts.query else ("", [])
    tail = path + ("?" + query if query else "")
    value = f"{scheme}://{authority}{tail}"
    display = f"{scheme}://{unicode_host}{authority[len(ascii_host):]}{tail}"
    attributes = _host_attributes(host_info)
    attributes["scheme"] = scheme
    if "@" in netloc:
        # "https://bank.example@evil.test/" — the decoy before @ is a phishing tell, kept
        # as a fact but not part of the matching key.
        attributes["userinfo"] = netloc.rpartition("@")[0]
    if dropped:
        attributes["dropped_params"] = dropped
    return Normalised(URL, value, display, attributes)


def normalise_domain(raw: str) -> Normalised:
    if not isinstance(raw, str):
        raise fail(DOMAIN, raw, "not text")
    text = refang(raw)
    if not text:
        raise fail(DOMAIN, raw, "empty")
    if "/" in text or "@" in text or any(c.isspace() for c in text):
        raise fail(DOMAIN, raw, "a domain is a bare host name — use the URL kind for links")
    if text.startswith("*."):
        raise fail(DOMAIN, raw, "wildcards are not domains")
    try:
        host_info = _host(text.lower())
    except _HostError as exc:
        raise fail(DOMAIN, raw, str(exc)) from None
    if host_info[5]:
        raise fail(DOMAIN, raw, "an IP address, not a domain")
    attributes = _host_attributes(host_info)
    del attributes["host_is_ip"], attributes["host"]
    return Normalised(DOMAIN, host_info[0], host_info[1], attributes)

