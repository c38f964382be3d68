import base64
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.crypto import keyring
from jaring.crypto.cipher import (
    DecryptionError,
    Encrypter,
    Encrypters,
    blind_index,
    decrypt,
    encrypt,
    hmac_sha256,
    keyed_token,
    reencrypt,
)


def test_round_trip_and_randomised():
    first = encrypt("TH", "Somchai Jaidee")
    second = encrypt("TH", "Somchai Jaidee")
    assert first != second
    assert first.startswith("TH.1$")
    assert decrypt("TH", first) == "Somchai Jaidee"


@given(st.text())
def test_any_text_round_trips(text):
    assert decrypt("VN", encrypt("VN", text)) == text


@given(st.lists(st.text(), min_size=1, max_size=600))
def test_an_encrypter_seals_as_encrypt_does_with_fresh_nonces(texts):
    seal = Encrypter("VN")
    sealed = [seal(text) for text in texts]  # past its pool of nonces, too
    assert [decrypt("VN", s) for s in sealed] == texts
    assert all(s.startswith("VN.1$") for s in sealed)
    nonces = {base64.b64decode(s.split("$", 1)[1])[:12] for s in sealed}
    assert len(nonces) == len(sealed)
    with pytest.raises(DecryptionError):
        decrypt("TH", sealed[0])


@given(st.binary(max_size=200), st.binary(max_size=300))
def test_hmac_from_padded_states_is_hmac_sha256(key, message):
    # Keys past SHA-256's 64-byte block are hashed first, as RFC 2104 says.
    assert hmac_sha256(key, message) == hmac.digest(key, message, "sha256")
    assert hmac_sha256(key, message) == hmac_sha256(key, message)


def test_encrypters_take_the_current_key_when_made(settings):
    before = Encrypters()
    assert before["LA"]("x").startswith("LA.1$") and before["LA"] is before["LA"]
    content = keyring.read(settings.KEY_FILE)
    keyring.add_data_key(content, "LA")
    keyring.write(settings.KEY_FILE, content)
    keyring.forget()
    after = Encrypters()["LA"]("x")
    assert after.startswith("LA.2$") and decrypt("LA", after) == "x"


def test_none_passes_through():
    assert encrypt("SG", None) is None
    assert decrypt("SG", None) is None


def test_ciphertext_moved_to_another_country_fails():
    sealed = encrypt("MY", "secret")
    with pytest.raises(DecryptionError):
        decrypt("ID", sealed)
    forged = "ID.1$" + sealed.split("$", 1)[1]
    with pytest.raises(DecryptionError):
        decrypt("ID", forged)


def test_tampered_ciphertext_fails():
    sealed = encrypt("PH", "secret")
    raw = bytearray(base64.b64decode(sealed.split("$", 1)[1]))
    raw[-5] ^= 0x01
    with pytest.raises(DecryptionError):
        decrypt("PH", "PH.1$" + base64.b64encode(bytes(raw)).decode())


def test_rotation_keeps_old_values_readable(settings):
    old = encrypt("KH", "ឈ្មោះ")
    content = keyring.read(settings.KEY_FILE)
    new_id = keyring.add_data_key(content, "KH")
    keyring.write(settings.KEY_FILE, content)
    keyring.forget()
    assert new_id == "KH.2"
    assert decrypt("KH", old) == "ឈ្មោះ"
    rotated = reencrypt("KH", old)
    assert rotated.startswith("KH.2$")
    assert decrypt("KH", rotated) == "ឈ្មោះ"
    assert reencrypt("KH", rotated) == rotated


def test_blind_index_is_normalised_and_purpose_bound():
    assert blind_index("name", "Nguyễn  Văn An") == blind_index("name", "nguyễn văn an")
    assert blind_index("name", "A") != blind_index("document", "A")
    assert blind_index("name", "  ") is None
    assert len(blind_index("name", "x")) == 32


def test_keyed_token_is_deterministic_and_keyed():
    assert keyed_token("phone", "+6591234567") == keyed_token("phone", "+6591234567")
    assert keyed_token("phone", "+6591234567") != keyed_token("phone", "+6591234568")
    assert keyed_token("phone", "+6591234567") != keyed_token("email", "+6591234567")
    assert len(keyed_token("phone", "+6591234567")) == 16


def test_key_file_is_private(settings):
    import os
    import stat

    mode = stat.S_IMODE(os.stat(settings.KEY_FILE).st_mode)
    assert mode == 0o600


def test_missing_key_file_names_the_fix(tmp_path, settings):
    settings.KEY_FILE = str(tmp_path / "absent.json")
    keyring.forget()
    with pytest.raises(keyring.KeyFileError, match="jaring init"):
        encrypt("SG", "x")
