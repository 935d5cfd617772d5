import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.crypto.envelope import FORMAT_BYTES, FORMAT_TEXT, DecryptionFailed, FieldCipher, new_data_key

KEY = bytes(range(32))
WHERE = {"table": "persons", "column": "name_kanji", "row_id": 7}
CIPHER = FieldCipher(KEY)


def test_new_data_keys_are_32_random_bytes():
    keys = {new_data_key() for _ in range(10)}
    assert len(keys) == 10
    assert all(len(key) == 32 for key in keys)


@pytest.mark.parametrize("value", ["山田 太郎", "", "ﾔﾏﾀﾞ", "emoji 👩‍👧 and\nnewline", "x" * 100_000])
def test_text_round_trip_returns_str(value):
    blob = CIPHER.encrypt(value, **WHERE)
    assert blob[0] == FORMAT_TEXT
    assert len(blob) == 1 + 12 + len(value.encode()) + 16
    assert CIPHER.decrypt(blob, **WHERE) == value


@pytest.mark.parametrize("value", [b"", b"\x00\xff" * 10, bytearray(b"pdf"), memoryview(b"view")])
def test_bytes_round_trip_returns_bytes(value):
    blob = CIPHER.encrypt(value, **WHERE)
    assert blob[0] == FORMAT_BYTES
    decrypted = CIPHER.decrypt(blob, **WHERE)
    assert type(decrypted) is bytes
    assert decrypted == bytes(value)


def test_none_stays_none():
    assert CIPHER.encrypt(None, **WHERE) is None
    assert CIPHER.decrypt(None, **WHERE) is None


def test_decrypt_accepts_what_database_drivers_return():
    blob = CIPHER.encrypt("山田", **WHERE)
    assert CIPHER.decrypt(memoryview(blob), **WHERE) == "山田"
    assert CIPHER.decrypt(bytearray(blob), **WHERE) == "山田"


def test_same_value_encrypts_differently_each_time():
    blobs = {CIPHER.encrypt("山田 太郎", **WHERE) for _ in range(20)}
    assert len(blobs) == 20
    assert len({blob[1:13] for blob in blobs}) == 20  # fresh nonce each time


def test_plaintext_does_not_appear_in_the_ciphertext():
    value = "ヤマダタロウ 090-1234-5678"
    blob = CIPHER.encrypt(value, **WHERE)
    assert value.encode() not in blob
    assert b"090-1234-5678" not in blob


@pytest.mark.parametrize(
    ("change", "cipher"),
    [
        ({"row_id": 8}, CIPHER),
        ({"row_id": -7}, CIPHER),
        ({"column": "name_kana"}, CIPHER),
        ({"table": "support_records"}, CIPHER),
        ({}, FieldCipher(KEY, key_version=2)),
        ({}, FieldCipher(bytes(reversed(KEY)))),
        ({}, FieldCipher(new_data_key())),
    ],
    ids=["row", "negative row", "column", "table", "key version", "other key", "random key"],
)
def test_every_mismatch_fails(change, cipher):
    blob = CIPHER.encrypt("山田 太郎", **WHERE)
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(blob, **(WHERE | change))


def test_table_and_column_boundary_is_canonical():
    blob = CIPHER.encrypt("x", table="a", column="bc", row_id=1)
    with pytest.raises(DecryptionFailed):
        CIPHER.decrypt(blob, table="ab", column="c", row_id=1)


def test_format_byte_is_authenticated():
    blob = bytearray(CIPHER.encrypt("text", **WHERE))
    blob[0] = FORMAT_BYTES
    with pytest.raises(DecryptionFailed):
        CIPHER.decrypt(bytes(blob), **WHERE)


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x01" + bytes(27), b"\x03" + bytes(40), b"\x00" + bytes(40)])
def test_short_or_unknown_format_blobs_fail(blob):
    with pytest.raises(DecryptionFailed, match="not a council ciphertext"):
        CIPHER.decrypt(blob, **WHERE)


BLOB = CIPHER.encrypt("山田 太郎", **WHERE)


@given(position=st.integers(0, len(BLOB) - 1), mask=st.integers(1, 255))
def test_tampering_any_single_byte_fails(position, mask):
    tampered = bytearray(BLOB)
    tampered[position] ^= mask
    with pytest.raises(DecryptionFailed):
        CIPHER.decrypt(bytes(tampered), **WHERE)


@given(length=st.integers(0, len(BLOB) - 1))
def test_truncated_blob_fails(length):
    with pytest.raises(DecryptionFailed):
        CIPHER.decrypt(BLOB[:length], **WHERE)


@given(extra=st.binary(min_size=1, max_size=8))
def test_appended_bytes_fail(extra):
    with pytest.raises(DecryptionFailed):
        CIPHER.decrypt(BLOB + extra, **WHERE)


@given(value=st.one_of(st.text(), st.binary()), row_id=st.integers(1, 2**63), version=st.integers(1, 1000))
def test_round_trip_any_value(value, row_id, version):
    cipher = FieldCipher(KEY, key_version=version)
    where = {"table": "t", "column": "c", "row_id": row_id}
    decrypted = cipher.decrypt(cipher.encrypt(value, **where), **where)
    assert decrypted == value
    assert type(decrypted) is type(value)


def test_error_message_names_the_place_not_the_value():
    blob = CIPHER.encrypt("山田 太郎", **WHERE)
    with pytest.raises(DecryptionFailed) as caught:
        CIPHER.decrypt(blob, **(WHERE | {"row_id": 8}))
    assert "persons.name_kanji of row 8" in str(caught.value)
    assert "山田" not in str(caught.value)


@pytest.mark.parametrize("key", [b"", bytes(16), bytes(31), bytes(33)])
def test_data_key_must_be_32_bytes(key):
    with pytest.raises(ValueError, match="32 bytes"):
        FieldCipher(key)


@pytest.mark.parametrize("version", [0, -1, True, "1"])
def test_key_version_must_be_a_positive_integer(version):
    with pytest.raises(ValueError, match="key_version"):
        FieldCipher(KEY, key_version=version)


def test_misuse_is_refused_loudly():
    with pytest.raises(TypeError):
        CIPHER.encrypt(42, **WHERE)
    with pytest.raises(TypeError):
        CIPHER.encrypt("x", table="t", column="c", row_id=True)
    with pytest.raises(TypeError):
        CIPHER.encrypt("x", table="t", column="c", row_id="7")
    with pytest.raises(ValueError, match="named"):
        CIPHER.encrypt("x", table="", column="c", row_id=1)


def test_repr_does_not_show_the_key():
    assert KEY.hex() not in repr(CIPHER)
    assert repr(CIPHER) == "FieldCipher(key_version=1)"


def test_associated_data_is_the_documented_canonical_encoding():
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from council.crypto import aad

    blob = FieldCipher(KEY, key_version=3).encrypt("山田", **WHERE)
    expected_aad = aad.encode(b"council/field", FORMAT_TEXT, "persons", "name_kanji", 7, 3)
    assert AESGCM(KEY).decrypt(blob[1:13], blob[13:], expected_aad) == "山田".encode()
