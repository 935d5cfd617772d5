import base64
import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.crypto import envelope, keyring
from council.crypto.keyring import (
    DecryptionFailed,
    EnvironmentKeyProvider,
    FileKeyProvider,
    Keyring,
    KeyUnavailable,
)
from council.instance import KEK_V1, create_keys, keys_dir

KEY_A = bytes(range(32))
KEY_B = bytes(range(32, 64))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def provider(tmp_path):
    provider = FileKeyProvider(tmp_path / "keys")
    assert provider.create() == 1
    return provider


# --- FileKeyProvider ---------------------------------------------------------------------------------------


def test_file_provider_creates_numbered_0600_files(tmp_path):
    provider = FileKeyProvider(tmp_path / "keys")
    assert provider.versions() == []
    assert [provider.create(), provider.create()] == [1, 2]
    assert provider.versions() == [1, 2]
    for version in (1, 2):
        path = tmp_path / "keys" / f"kek-000{version}.key"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(provider.get(version)) == 32
    assert provider.get(1) != provider.get(2)


def test_file_provider_reads_the_key_council_init_creates(tmp_path):
    create_keys(tmp_path)
    provider = FileKeyProvider(keys_dir(tmp_path))
    assert provider.versions() == [1]
    assert provider.get(1) == (keys_dir(tmp_path) / KEK_V1).read_bytes()


def test_file_provider_ignores_other_files(provider):
    for name in ("kek-00001.key", "kek-0002.key.bak", "kek-0000.key", "index.key", "kek-abcd.key"):
        (provider.folder / name).write_bytes(KEY_A)
    assert provider.versions() == [1]


def test_file_provider_refuses_a_key_file_others_can_read(provider):
    provider.path(1).chmod(0o644)
    with pytest.raises(KeyUnavailable, match="chmod 600"):
        provider.get(1)


def test_file_provider_refuses_a_key_of_the_wrong_length(provider):
    provider.path(1).unlink()
    fd = os.open(provider.path(1), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, KEY_A[:31])
    os.close(fd)
    with pytest.raises(KeyUnavailable, match="31 bytes, not 32"):
        provider.get(1)


def test_missing_first_key_says_run_init(tmp_path):
    with pytest.raises(KeyUnavailable, match="council init"):
        FileKeyProvider(tmp_path).get(1)
    with pytest.raises(KeyUnavailable, match="council init"):
        Keyring(FileKeyProvider(tmp_path)).wrap(KEY_B, case_id=1)


def test_missing_later_version_says_restore_from_backup(provider):
    with pytest.raises(KeyUnavailable, match=r"version 7 .*kek-0007\.key.*backup"):
        provider.get(7)
    with pytest.raises(KeyUnavailable):
        provider.get(0)


def test_remove_deletes_the_file_and_refuses_a_missing_version(provider):
    provider.create()
    provider.remove(1)
    assert provider.versions() == [2]
    assert not provider.path(1).exists()
    with pytest.raises(KeyUnavailable, match="does not exist"):
        provider.remove(1)


def test_create_refuses_when_the_file_appears_meanwhile(provider, monkeypatch):
    monkeypatch.setattr(keyring, "create_key_file", lambda path, data: False)
    with pytest.raises(KeyUnavailable, match="another `council keys rotate`"):
        provider.create()


# --- EnvironmentKeyProvider --------------------------------------------------------------------------------


def test_environment_provider_reads_base64():
    provider = EnvironmentKeyProvider({"COUNCIL_KEK_1": b64(KEY_A), "COUNCIL_KEK_2": b64(KEY_B) + "\n"})
    assert provider.versions() == [1, 2]
    assert provider.get(1) == KEY_A
    assert provider.get(2) == KEY_B


def test_environment_versions_sort_numerically_and_ignore_other_names():
    environ = {f"COUNCIL_KEK_{n}": b64(KEY_A) for n in (10, 2, 1)}
    environ |= {"COUNCIL_KEK_01": b64(KEY_A), "COUNCIL_KEK_X": b64(KEY_A), "COUNCIL_KEK_3": " ", "PATH": "/bin"}
    assert EnvironmentKeyProvider(environ).versions() == [1, 2, 10]


def test_environment_provider_defaults_to_os_environ(monkeypatch):
    monkeypatch.setenv("COUNCIL_KEK_1", b64(KEY_B))
    assert EnvironmentKeyProvider().get(1) == KEY_B


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "COUNCIL_KEK_1 is not set"),
        ("", "COUNCIL_KEK_1 is not set"),
        ("not base64!", "not valid base64"),
        (b64(KEY_A[:16]), "16 bytes, not 32"),
    ],
)
def test_environment_provider_refuses_bad_values(value, message):
    environ = {} if value is None else {"COUNCIL_KEK_1": value}
    with pytest.raises(KeyUnavailable, match=message) as caught:
        EnvironmentKeyProvider(environ).get(1)
    assert "openssl rand -base64 32" in str(caught.value)


def test_environment_create_and_remove_say_what_to_change():
    provider = EnvironmentKeyProvider({"COUNCIL_KEK_1": b64(KEY_A), "COUNCIL_KEK_2": b64(KEY_B)})
    with pytest.raises(KeyUnavailable, match="add COUNCIL_KEK_3"):
        provider.create()
    with pytest.raises(KeyUnavailable, match="remove COUNCIL_KEK_1"):
        provider.remove(1)


def test_file_and_environment_keys_are_interchangeable(tmp_path):
    # Moving the same KEK from a file into the environment must keep every wrapped data key readable.
    files = FileKeyProvider(tmp_path)
    files.create()
    environ = {"COUNCIL_KEK_1": b64(files.get(1))}
    data_key = envelope.new_data_key()
    wrapped, version = Keyring(files).wrap(data_key, case_id=5)
    assert Keyring(EnvironmentKeyProvider(environ)).unwrap(wrapped, version=version, case_id=5) == data_key


# --- Keyring -------------------------------------------------------------------------------------------------


def test_wrap_unwrap_round_trip(provider):
    ring = Keyring(provider)
    data_key = envelope.new_data_key()
    wrapped, version = ring.wrap(data_key, case_id=42)
    assert version == ring.current_version == 1
    assert len(wrapped) == 12 + 32 + 16
    assert data_key not in wrapped
    assert ring.unwrap(wrapped, version=1, case_id=42) == data_key


def test_wrapping_twice_gives_different_ciphertexts(provider):
    ring = Keyring(provider)
    data_key = envelope.new_data_key()
    assert ring.wrap(data_key, case_id=1)[0] != ring.wrap(data_key, case_id=1)[0]


def test_two_versions_after_create(provider):
    ring = Keyring(provider)
    old_key, new_key = envelope.new_data_key(), envelope.new_data_key()
    old_wrapped, old_version = ring.wrap(old_key, case_id=1)
    assert provider.create() == 2
    new_wrapped, new_version = ring.wrap(new_key, case_id=2)
    assert (old_version, new_version, ring.current_version) == (1, 2, 2)
    assert ring.unwrap(old_wrapped, version=1, case_id=1) == old_key
    assert ring.unwrap(new_wrapped, version=2, case_id=2) == new_key
    # The version is bound: a key wrapped under version 1 does not pass as version 2 (or the other way).
    with pytest.raises(DecryptionFailed):
        ring.unwrap(old_wrapped, version=2, case_id=1)
    with pytest.raises(DecryptionFailed):
        ring.unwrap(new_wrapped, version=1, case_id=2)


def test_rotation_rewraps_then_the_old_version_can_go(provider):
    ring = Keyring(provider)
    data_key = envelope.new_data_key()
    wrapped, version = ring.wrap(data_key, case_id=9)
    provider.create()
    rewrapped, new_version = ring.wrap(ring.unwrap(wrapped, version=version, case_id=9), case_id=9)
    provider.remove(version)
    fresh = Keyring(provider)  # as a restarted process would: nothing cached
    assert fresh.unwrap(rewrapped, version=new_version, case_id=9) == data_key
    with pytest.raises(KeyUnavailable, match=r"version 1 .*kek-0001\.key.*missing.*backup"):
        fresh.unwrap(wrapped, version=version, case_id=9)


def test_unwrap_with_an_unknown_version_raises_key_unavailable(provider):
    wrapped, _ = Keyring(provider).wrap(envelope.new_data_key(), case_id=1)
    with pytest.raises(KeyUnavailable, match="version 3"):
        Keyring(provider).unwrap(wrapped, version=3, case_id=1)


def test_unwrap_for_another_case_fails(provider):
    ring = Keyring(provider)
    wrapped, version = ring.wrap(envelope.new_data_key(), case_id=1)
    with pytest.raises(DecryptionFailed, match="case 2"):
        ring.unwrap(wrapped, version=version, case_id=2)


def test_unwrap_with_another_kek_fails(tmp_path):
    one, other = FileKeyProvider(tmp_path / "one"), FileKeyProvider(tmp_path / "other")
    one.create()
    other.create()
    wrapped, version = Keyring(one).wrap(envelope.new_data_key(), case_id=1)
    with pytest.raises(DecryptionFailed):
        Keyring(other).unwrap(wrapped, version=version, case_id=1)


WRAPPED_RING = Keyring(EnvironmentKeyProvider({"COUNCIL_KEK_1": b64(KEY_A)}))
WRAPPED, _ = WRAPPED_RING.wrap(KEY_B, case_id=3)


@given(position=st.integers(0, len(WRAPPED) - 1), mask=st.integers(1, 255))
def test_tampering_any_byte_of_a_wrapped_key_fails(position, mask):
    tampered = bytearray(WRAPPED)
    tampered[position] ^= mask
    with pytest.raises(DecryptionFailed):
        WRAPPED_RING.unwrap(bytes(tampered), version=1, case_id=3)


@given(length=st.integers(0, len(WRAPPED) - 1))
def test_truncated_wrapped_key_fails(length):
    with pytest.raises(DecryptionFailed):
        WRAPPED_RING.unwrap(WRAPPED[:length], version=1, case_id=3)


def test_keks_are_cached_per_keyring():
    class Counting(EnvironmentKeyProvider):
        reads = 0

        def get(self, version: int) -> bytes:
            Counting.reads += 1
            return super().get(version)

    ring = Keyring(Counting({"COUNCIL_KEK_1": b64(KEY_A)}))
    for case_id in range(5):
        wrapped, version = ring.wrap(KEY_B, case_id=case_id)
        assert ring.unwrap(wrapped, version=version, case_id=case_id) == KEY_B
    assert Counting.reads == 1


def test_wrap_refuses_a_data_key_of_the_wrong_length(provider):
    with pytest.raises(ValueError, match="32 bytes"):
        Keyring(provider).wrap(b"short", case_id=1)


def test_case_id_must_be_an_int(provider):
    with pytest.raises(TypeError, match="case_id"):
        Keyring(provider).wrap(KEY_B, case_id="1")


def test_a_provider_returning_a_short_key_is_refused():
    class Broken(EnvironmentKeyProvider):
        def get(self, version: int) -> bytes:
            return b"\x00" * 16

    with pytest.raises(KeyUnavailable, match="16-byte key"):
        Keyring(Broken({"COUNCIL_KEK_1": b64(KEY_A)})).wrap(KEY_B, case_id=1)


def test_errors_are_one_class_wherever_imported():
    from council.crypto import errors

    assert keyring.DecryptionFailed is envelope.DecryptionFailed is errors.DecryptionFailed
    assert keyring.KeyUnavailable is errors.KeyUnavailable
