from __future__ import annotations

import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.intel.indicators import InvalidIndicator, normalise_domain, normalise_url
from jaring.intel.indicators import url as url_module


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("hxxps://evil[.]com", "https://evil.com/"),
        ("EXAMPLE.com", "http://example.com/"),
        ("HTTP://Example.COM:80/Path", "http://example.com/Path"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/", "https://example.com:8443/"),
        ("//example.com/a", "http://example.com/a"),
        ("https://example.com/a#fragment", "https://example.com/a"),
        ("https://example.com/?utm_source=fb&id=7&fbclid=X&gclid=Y", "https://example.com/?id=7"),
        ("https://example.com/?b=2&a=1", "https://example.com/?b=2&a=1"),
        ("https://example.com/?ref=recruiter42", "https://example.com/?ref=recruiter42"),
        ("https://example.com/%7euser/%2f%41", "https://example.com/~user/%2FA"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a/%2E%2e/b", "https://example.com/b"),
        ("https://example.com/../../a/..", "https://example.com/"),
        ("https://example.com/path with space", "https://example.com/path%20with%20space"),
        ("https://bücher.example.de/ü", "https://xn--bcher-kva.example.de/%C3%BC"),
        ("http://203.0.113.5:8080/x", "http://203.0.113.5:8080/x"),
        ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
        ("https://example.com./", "https://example.com/"),
    ],
)
def test_canonical_form(raw, value):
    assert normalise_url(raw).value == value


def test_attributes_and_display():
    result = normalise_url("https://login.bücher.co.uk/x?utm_medium=sms")
    assert result.value == "https://login.xn--bcher-kva.co.uk/x"
    assert result.display == "https://login.bücher.co.uk/x"
    assert result.attributes["registrable_domain"] == "xn--bcher-kva.co.uk"
    assert result.attributes["suffix"] == "co.uk"
    assert result.attributes["dropped_params"] == ["utm_medium"]
    assert result.attributes["host_is_ip"] is False


def test_private_suffixes_make_each_site_its_own_registrable_domain():
    result = normalise_url("https://scam-shop.pages.dev/")
    assert result.attributes["registrable_domain"] == "scam-shop.pages.dev"
    assert result.attributes["icann_registrable_domain"] == "pages.dev"
    assert normalise_url("https://github.io/").attributes["registrable_domain"] == "github.io"


def test_userinfo_decoy_is_kept_as_a_fact_not_in_the_key():
    result = normalise_url("https://www.bank.example@evil.com/login")
    assert result.value == "https://evil.com/login"
    assert result.attributes["userinfo"] == "www.bank.example"


def test_ip_host():
    assert normalise_url("http://203.0.113.5/").attributes["host_is_ip"] is True


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("javascript:alert(1)", "only http and https"),
        ("ftp://example.com/file", "only http and https"),
        ("mailto:someone@example.com", "only http and https"),
        ("http://localhost/", "no recognised public suffix"),
        ("http://intranet.invalidtld/", "no recognised public suffix"),
        ("http://co.uk/", "is a public suffix"),
        ("http://example.com:99999/", "malformed host or port"),
        ("http://exa mple.com/", "not a valid"),
        ("http://xn--zz.com/", "not a valid"),
        ("", "empty"),
    ],
)
def test_rejections(raw, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_url(raw)
    assert reason in caught.value.reason


def test_public_suffix_list_is_read_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the public suffix list must come from the bundled snapshot")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(url_module._Extractor, "instance", None)
    url_module._host.cache_clear()
    assert normalise_url("https://a.b.example.co.th/").attributes["registrable_domain"] == (
        "example.co.th"
    )


@pytest.mark.parametrize(
    ("raw", "value", "registrable"),
    [
        ("Example.COM.", "example.com", "example.com"),
        ("evil[.]co[.]th", "evil.co.th", "evil.co.th"),
        ("www.shop.example.com.my", "www.shop.example.com.my", "example.com.my"),
        ("bücher.de", "xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("XN--BCHER-KVA.de", "xn--bcher-kva.de", "xn--bcher-kva.de"),
    ],
)
def test_domains(raw, value, registrable):
    result = normalise_domain(raw)
    assert result.value == value
    assert result.attributes["registrable_domain"] == registrable


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("https://example.com/", "use the URL kind"),
        ("*.example.com", "wildcards"),
        ("203.0.113.5", "an IP address"),
        ("localhost", "no recognised public suffix"),
        ("a..example.com", "not a valid"),
        ("-bad-.example.com", "not a valid"),
    ],
)
def test_domain_rejections(raw, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_domain(raw)
    assert reason in caught.value.reason


label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
# The first label is prefixed so that no generated host is itself a public suffix
# (such as "i.ph"), which is rightly rejected.
host = st.builds(lambda labels, tld: ".".join(["site" + labels[0], *labels[1:], tld]),
                 st.lists(label, min_size=1, max_size=3),
                 st.sampled_from(["com", "co.th", "com.sg", "my", "id", "ph", "vn"]))
path_chars = st.text(alphabet="abcXYZ0129eE-._~!$&'()*+,;=:@/% ü", max_size=24)
query_pair = st.tuples(st.sampled_from(["id", "q", "utm_source", "fbclid", "page", "ref"]),
                       st.text(alphabet="abc123", max_size=5))


@settings(max_examples=300, deadline=None)
@given(
    scheme=st.sampled_from(["http://", "https://", "HTTPS://", ""]),
    host=host,
    upper=st.booleans(),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    path=path_chars,
    query=st.lists(query_pair, max_size=4),
    fragment=st.sampled_from(["", "#top", "#/login"]),
)
def test_idempotent_and_tracker_free(scheme, host, upper, port, path, query, fragment):
    raw = f"{scheme}{host.upper() if upper else host}{port}/{path}"
    if query:
        raw += "?" + "&".join(f"{k}={v}" for k, v in query)
    raw += fragment
    result = normalise_url(raw)
    again = normalise_url(result.value)
    assert (again.value, again.display) == (result.value, result.display)
    assert "#" not in result.value
    query = result.value.partition("?")[2]
    params = {pair.split("=", 1)[0] for pair in query.split("&") if pair}
    assert not any(p.startswith("utm_") or p == "fbclid" for p in params)
    assert result.value.split("/")[2].split(":")[0] == host
    assert result.attributes["registrable_domain"] in host
