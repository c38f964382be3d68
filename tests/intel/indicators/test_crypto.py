from __future__ import annotations

import hashlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jaring.intel.indicators import InvalidIndicator, normalise_crypto
from jaring.intel.indicators.crypto import TYPO, base58check_encode, eip55, segwit_encode
from jaring.intel.indicators.keccak import keccak256


@pytest.mark.parametrize(
    ("data", "digest"),
    [
        (b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
    ],
)
def test_keccak_vectors(data, digest):
    assert keccak256(data).hex() == digest


def test_keccak_is_not_sha3():
    assert keccak256(b"abc") != hashlib.sha3_256(b"abc").digest()


@pytest.mark.parametrize("length", [135, 136, 137, 272, 300])
def test_keccak_block_boundaries_are_deterministic_and_distinct(length):
    assert keccak256(b"a" * length) != keccak256(b"a" * (length + 1))
    assert len(keccak256(b"a" * length)) == 32


# The test vectors of EIP-55 itself.
EIP55_VECTORS = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors(address):
    result = normalise_crypto(address)
    assert result.value == "crypto:eth:" + address.lower()
    assert result.attributes["chain"] == "eth"
    if address[2:] != address[2:].lower() and address[2:] != address[2:].upper():
        assert eip55(address[2:]) == address
        assert result.display == address


def test_eip55_typo_is_rejected():
    with pytest.raises(InvalidIndicator, match="probably a typo"):
        normalise_crypto("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")


@pytest.mark.parametrize(
    ("address", "chain", "kind"),
    [
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "tron", "account"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "btc", "p2pkh"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc", "p2sh"),
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "btc", "p2wpkh"),
        ("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", "btc", "p2wsh"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "btc", "p2tr"),
        ("bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa?amount=0.1", "btc", "p2pkh"),
    ],
)
def test_known_addresses(address, chain, kind):
    result = normalise_crypto(address)
    assert result.attributes == {"chain": chain, "address_type": kind}
    assert normalise_crypto(result.value.split(":", 2)[2]) == result


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T", TYPO),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", TYPO),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", TYPO),
        ("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "testnet"),
        ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "testnet"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", "never use"),
        ("bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "mixes upper and lower"),
        # BIP-350: a witness v1 program with the old bech32 checksum.
        ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx", "variant"),
        ("0x123", "40 hex digits"),
        ("hello", "not a Bitcoin, Ethereum or TRON address"),
        ("", "empty"),
    ],
)
def test_rejections(address, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_crypto(address)
    assert reason in caught.value.reason


def test_chain_hint():
    assert normalise_crypto("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "USDT-TRC20").attributes[
        "chain"
    ] == "tron"
    with pytest.raises(InvalidIndicator, match=r"not an Ethereum \(EVM\) address"):
        normalise_crypto("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "erc20")
    with pytest.raises(ValueError, match="chain"):
        normalise_crypto("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "dogecoin")


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
payload20 = st.binary(min_size=20, max_size=20)


def _mutations(address: str, alphabet: str, positions: st.DataObject, start: int) -> str:
    index = positions.draw(st.integers(min_value=start, max_value=len(address) - 1))
    replacement = positions.draw(st.sampled_from(alphabet).filter(lambda c: c != address[index]))
    return address[:index] + replacement + address[index + 1 :]


@settings(max_examples=150, deadline=None)
@given(payload=payload20, version=st.sampled_from([0x00, 0x05, 0x41]), data=st.data())
def test_base58check_round_trip_and_single_typos(payload, version, data):
    address = base58check_encode(version, payload)
    chain = "tron" if version == 0x41 else "btc"
    assert normalise_crypto(address).value == f"crypto:{chain}:{address}"
    mutated = _mutations(address, B58, data, 1)
    with pytest.raises(InvalidIndicator):
        normalise_crypto(mutated)


@settings(max_examples=150, deadline=None)
@given(
    program=st.one_of(
        st.tuples(st.just(0), st.binary(min_size=20, max_size=20)),
        st.tuples(st.just(0), st.binary(min_size=32, max_size=32)),
        st.tuples(st.integers(1, 16), st.binary(min_size=32, max_size=32)),
    ),
    data=st.data(),
)
def test_segwit_round_trip_and_single_typos(program, data):
    version, body = program
    address = segwit_encode("bc", version, body)
    assert normalise_crypto(address.upper()).value == f"crypto:btc:{address}"
    mutated = _mutations(address, BECH, data, 3)
    with pytest.raises(InvalidIndicator):
        normalise_crypto(mutated)


@settings(max_examples=60, deadline=None)
@given(payload=payload20, data=st.data())
def test_eip55_round_trip_and_case_typos(payload, data):
    checksummed = eip55(payload.hex())
    hexpart = checksummed[2:]
    assume(hexpart.lower() != hexpart and hexpart.upper() != hexpart)
    assert normalise_crypto(checksummed).value == "crypto:eth:0x" + payload.hex()
    letters = [i for i, c in enumerate(hexpart) if c.isalpha()]
    flip = data.draw(st.sampled_from(letters))
    swapped = hexpart[:flip] + hexpart[flip].swapcase() + hexpart[flip + 1 :]
    if swapped.lower() != swapped and swapped.upper() != swapped:
        with pytest.raises(InvalidIndicator, match="typo"):
            normalise_crypto("0x" + swapped)


def test_tron_address_starting_like_a_testnet_prefix():
    address = "TB1oAsmYogCiECh3LzaE45RLM8YbtsYXHh"
    assert normalise_crypto(address).attributes["chain"] == "tron"
