"""Social and messaging accounts → platform + case-folded handle, numeric id or phone.

Handles come as ``@name``, bare names with a platform hint, or profile links. Platforms
whose accounts are phone numbers (WhatsApp, Viber, Zalo, Signal without a username)
normalise to E.164 so they meet the phone indicator.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from .base import IndicatorKind, InvalidIndicator, Normalised, fail, refang
from .phone import e164, parse_phone

KIND = IndicatorKind.SOCIAL_HANDLE

PLATFORM_NAMES = {
    "telegram": "Telegram", "facebook": "Facebook", "instagram": "Instagram",
    "tiktok": "TikTok", "x": "X (Twitter)", "line": "LINE", "whatsapp": "WhatsApp",
    "wechat": "WeChat", "zalo": "Zalo", "viber": "Viber", "signal": "Signal",
}  # fmt: skip
_PLATFORM_ALIASES = {
    "telegram": "telegram", "tg": "telegram", "facebook": "facebook", "fb": "facebook",
    "messenger": "facebook", "instagram": "instagram", "ig": "instagram", "insta": "instagram",
    "tiktok": "tiktok", "x": "x", "twitter": "x", "line": "line", "lineid": "line",
    "whatsapp": "whatsapp", "wa": "whatsapp", "wechat": "wechat", "weixin": "wechat",
    "zalo": "zalo", "viber": "viber", "signal": "signal",
}  # fmt: skip
_HOSTS = {
    "t.me": "telegram", "telegram.me": "telegram", "telegram.dog": "telegram",
    "facebook.com": "facebook", "fb.com": "facebook", "fb.me": "facebook",
    "m.me": "facebook", "messenger.com": "facebook",
    "instagram.com": "instagram", "instagr.am": "instagram",
    "tiktok.com": "tiktok", "x.com": "x", "twitter.com": "x",
    "line.me": "line", "wa.me": "whatsapp", "whatsapp.com": "whatsapp",
    "api.whatsapp.com": "whatsapp",
    "zalo.me": "zalo", "viber.com": "viber", "signal.me": "signal",
}  # fmt: skip
PHONE_PLATFORMS = frozenset({"whatsapp", "viber", "zalo"})
# Zalo is Vietnamese; a local number without country code is Vietnamese far more often
# than it belongs to the reporting country.
_DEFAULT_REGION = {"zalo": "VN"}

_SYNTAX = {
    "telegram": re.compile(r"[a-z][a-z0-9_]{3,30}[a-z0-9]"),
    "facebook": re.compile(r"[a-z0-9.]{5,50}"),
    "instagram": re.compile(r"[a-z0-9._]{1,30}"),
    "tiktok": re.compile(r"[a-z0-9._]{2,24}"),
    "x": re.compile(r"[a-z0-9_]{1,15}"),
    "line": re.compile(r"@?[a-z0-9._\-]{4,20}"),
    "wechat": re.compile(r"[a-z][a-z0-9_\-]{5,19}"),
    "signal": re.compile(r"[a-z_][a-z0-9_]{2,31}\.\d{2,9}"),
}
_SYNTAX_HELP = {
    "telegram": "5 to 32 letters, digits or _, starting with a letter",
    "facebook": "at least 5 letters, digits or dots",
    "instagram": "up to 30 letters, digits, dots or _",
    "tiktok": "2 to 24 letters, digits, dots or _",
    "x": "up to 15 letters, digits or _",
    "line": "4 to 20 letters, digits, dots, - or _",
    "wechat": "6 to 20 letters, digits, - or _, starting with a letter",
    "signal": "a username like name.01",
}
_KEY = re.compile(r"[^a-z0-9]")
_NUMERIC = re.compile(r"\d{5,20}")
_URLISH = re.compile(
    r"(?:https?://)?(?:www\.|m\.|web\.|mobile\.|mbasic\.)?([a-z0-9.\-]+)(/.*)?", re.I
)
_RESERVED = {
    "facebook": {"pages", "groups", "events", "watch", "marketplace", "share", "sharer",
                 "story.php", "permalink.php", "photo.php", "login", "help", "reel", "hashtag"},
    "x": {"home", "i", "search", "intent", "share", "hashtag", "explore", "settings"},
    "instagram": {"p", "reel", "reels", "explore", "stories", "accounts", "tv"},
    "telegram": {"joinchat", "addstickers", "share", "proxy", "socks"},
}  # fmt: skip


def platform_key(name: str) -> str | None:
    return _PLATFORM_ALIASES.get(_KEY.sub("", name.casefold()))


def _from_url(raw: object, platform: str, path: str, query: str) -> str:
    """Extract the account part of a profile link's path and query."""
    segments = [unquote(s) for s in path.split("/") if s]
    first = segments[0] if segments else ""
    if platform == "facebook":
        if first in ("profile.php", "people") or first.lower() == "profile.php":
            ids = parse_qs(query).get("id") or [s for s in segments[1:] if s.isdigit()]
            if not ids:
                raise fail(KIND, raw, "profile link has no id")
            return ids[0]
    elif platform == "telegram":
        if first.startswith("+"):
            raise fail(KIND, raw, "a private invite link, not an account — report it as a URL")
        if first == "s" and len(segments) > 1:
            first = segments[1]
    elif platform == "line":
        # line.me/ti/p/~lineid or line.me/R/ti/p/@official
        rest = segments[segments.index("p") + 1] if "p" in segments[:4] else ""
        if not rest.startswith(("~", "@")):
            raise fail(KIND, raw, "only line.me/ti/p/~id links name an account")
        return rest.lstrip("~")
    elif platform in ("whatsapp", "viber", "signal"):
        phone = (parse_qs(query).get("phone") or parse_qs(query).get("number") or [first])[0]
        # Click-to-chat links carry the full international number without the "+".
        if phone.isdigit() and not phone.startswith("0"):
            phone = "+" + phone
        return phone
    if not first:
        raise fail(KIND, raw, "profile link has no account name")
    if first.casefold() in _RESERVED.get(platform, ()):
        raise fail(KIND, raw, "not a profile link")
    return first


def _split_hint(text: str) -> tuple[str | None, str]:
    """Accept 'telegram: @name', 'social:telegram:name' and 'LINE ID name'."""
    if text.lower().startswith("social:"):
        text = text[7:]
    head, sep, tail = text.partition(":")
    if sep and platform_key(head):
        return platform_key(head), tail.strip()
    words = text.split(None, 2)
    # Longest prefix first, so "LINE ID scam.line" is not read as LINE handle "ID scam.line".
    for count in (2, 1):
        if len(words) > count and platform_key(" ".join(words[:count])):
            return platform_key(" ".join(words[:count])), " ".join(words[count:])
    return None, text


def normalise_social(
    raw: str, *, platform: str | None = None, country: str | None = None
) -> Normalised:
    if not isinstance(raw, str):
        raise fail(KIND, raw, "not text")
    text = refang(raw)
    if not text:
        raise fail(KIND, raw, "empty")
    wanted = None
    if platform is not None:
        wanted = platform_key(platform)
        if wanted is None:
            raise fail(KIND, raw, f"unknown platform {platform!r}")
    found, text = _split_hint(text)
    if found and wanted and found != wanted:
        raise fail(KIND, raw, f"not a {PLATFORM_NAMES[wanted]} account")
    wanted = wanted or found
    handle = text
    url = _URLISH.fullmatch(text) if ("/" in text or "." in text) else None
    if url and url.group(1).lower() in _HOSTS:
        linked = _HOSTS[url.group(1).lower()]
        if wanted and linked != wanted:
            raise fail(KIND, raw, f"a {PLATFORM_NAMES[linked]} link, not {PLATFORM_NAMES[wanted]}")
        wanted = linked
        parts = urlsplit("https://" + text.split("://", 1)[-1])
        handle = _from_url(raw, wanted, parts.path, parts.query)
    if wanted is None:
        raise fail(KIND, raw, "which platform? give it, or paste the profile link")
    handle = handle.strip()
    if wanted in ("tiktok", "instagram", "x", "telegram", "facebook", "line", "signal"):
        handle = handle.removeprefix("@") if wanted != "line" else handle
    if not handle:
        raise fail(KIND, raw, "empty handle")
    name = PLATFORM_NAMES[wanted]
    attributes: dict[str, object] = {"platform": wanted}
    is_phone = wanted in PHONE_PLATFORMS or (wanted == "signal" and handle[:1] in "+0123456789")
    if is_phone:
        try:
            number, _ = parse_phone(handle, country or _DEFAULT_REGION.get(wanted))
        except InvalidIndicator as exc:
            raise fail(KIND, raw, f"{name} accounts are phone numbers: {exc.reason}") from None
        value = e164(number)
        attributes["phone"] = value
        attributes["id_type"] = "phone"
    elif wanted == "facebook" and _NUMERIC.fullmatch(handle):
        value = handle
        attributes["id_type"] = "numeric_id"
    else:
        value = handle.casefold()
        if wanted == "facebook":
            # Facebook ignores dots and case in usernames: john.smith is johnsmith.
            value = value.replace(".", "")
        if not _SYNTAX[wanted].fullmatch(value):
            raise fail(KIND, raw, f"{name} handles are {_SYNTAX_HELP[wanted]}")
        attributes["id_type"] = "handle"
    display = f"{name} {'@' if attributes['id_type'] == 'handle' else ''}{value}"
    return Normalised(KIND, f"social:{wanted}:{value}", display, attributes)
