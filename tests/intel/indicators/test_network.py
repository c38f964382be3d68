from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.intel.indicators import InvalidIndicator, normalise_ip


@pytest.mark.parametrize(
    ("raw", "value", "is_global"),
    [
        ("8.8.8.8", "8.8.8.8", True),
        (" 8[.]8[.]8[.]8 ", "8.8.8.8", True),
        ("192.168.1.1", "192.168.1.1", False),
        ("2001:4860:4860:0000:0000:0000:0000:8888", "2001:4860:4860::8888", True),
        ("[2001:4860:4860::8888]", "2001:4860:4860::8888", True),
        ("::ffff:8.8.8.8", "8.8.8.8", True),
        ("127.0.0.1", "127.0.0.1", False),
    ],
)
def test_addresses(raw, value, is_global):
    result = normalise_ip(raw)
    assert result.value == value
    assert result.attributes["is_global"] is is_global


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("010.1.1.1", "leading zeros"),
        ("256.1.1.1", "0 to 255"),
        ("10.0.0.0/8", "network range"),
        ("fe80::1%eth0", "scoped"),
        ("example.com", "not an IPv4 or IPv6 address"),
        ("", "empty"),
    ],
)
def test_rejections(raw, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_ip(raw)
    assert reason in caught.value.reason


@given(st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)))
def test_every_address_round_trips(address):
    result = normalise_ip(address.exploded)
    assert ipaddress.ip_address(result.value) in (address, getattr(address, "ipv4_mapped", None))
    assert normalise_ip(result.value).value == result.value
