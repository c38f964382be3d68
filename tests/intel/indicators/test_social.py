from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.intel.indicators import InvalidIndicator, normalise_social


@pytest.mark.parametrize(
    ("raw", "platform", "country", "value"),
    [
        ("@ScamBoss99", "telegram", None, "social:telegram:scamboss99"),
        ("t.me/ScamBoss99", None, None, "social:telegram:scamboss99"),
        ("https://t.me/s/scamboss99/123", None, None, "social:telegram:scamboss99"),
        ("telegram: @scamboss99", None, None, "social:telegram:scamboss99"),
        ("https://www.facebook.com/profile.php?id=100012345678", None, None,
         "social:facebook:100012345678"),
        ("facebook.com/John.Smith.77", None, None, "social:facebook:johnsmith77"),
        ("https://m.facebook.com/johnsmith77/", None, None, "social:facebook:johnsmith77"),
        ("instagram.com/some_user/", None, None, "social:instagram:some_user"),
        ("https://www.tiktok.com/@Shop.Deals?lang=en", None, None, "social:tiktok:shop.deals"),
        ("x.com/ScamAlert", None, None, "social:x:scamalert"),
        ("https://twitter.com/ScamAlert", None, None, "social:x:scamalert"),
        ("line.me/ti/p/~scam.line", None, None, "social:line:scam.line"),
        ("LINE ID scam.line", None, None, "social:line:scam.line"),
        ("wa.me/6591234567", None, None, "social:whatsapp:+6591234567"),
        ("https://api.whatsapp.com/send?phone=6591234567&text=hi", None, None,
         "social:whatsapp:+6591234567"),
        ("https://zalo.me/0912345678", None, None, "social:zalo:+84912345678"),
        ("https://www.facebook.com/people/Some-Name/100012345678/", None, None,
         "social:facebook:100012345678"),
        ("https://line.me/R/ti/p/@shopdeals", None, None, "social:line:@shopdeals"),
        ("9123 4567", "WhatsApp", "SG", "social:whatsapp:+6591234567"),
        ("0912 345 678", "zalo", None, "social:zalo:+84912345678"),
        ("wxid_abcdef", "WeChat", None, "social:wechat:wxid_abcdef"),
        ("alice.01", "signal", None, "social:signal:alice.01"),
        ("social:telegram:scamboss99", None, None, "social:telegram:scamboss99"),
    ],
)
def test_handles(raw, platform, country, value):
    result = normalise_social(raw, platform=platform, country=country)
    assert result.value == value
    assert normalise_social(result.value, country=country).value == value


@pytest.mark.parametrize(
    ("raw", "platform", "reason"),
    [
        ("@ab", "telegram", "Telegram handles are 5 to 32"),
        ("@9lives_bot", "telegram", "starting with a letter"),
        ("https://t.me/+AbCdEf123", None, "private invite link"),
        ("https://twitter.com/home", None, "not a profile link"),
        ("https://www.facebook.com/groups/123", None, "not a profile link"),
        ("@handle", None, "which platform"),
        ("@handle", "myspace", "unknown platform"),
        ("t.me/scamboss99", "instagram", "a Telegram link, not Instagram"),
        ("12", "whatsapp", "phone numbers"),
        ("@this_is_far_too_long_for_x", "x", "up to 15"),
    ],
)
def test_rejections(raw, platform, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_social(raw, platform=platform)
    assert reason in caught.value.reason


@given(
    handle=st.from_regex(r"[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]", fullmatch=True),
    form=st.sampled_from(["@{}", "{}", "t.me/{}", "https://t.me/{}", "https://telegram.me/{}/"]),
)
def test_telegram_forms_agree(handle, form):
    result = normalise_social(form.format(handle), platform="telegram")
    assert result.value == f"social:telegram:{handle.casefold()}"
