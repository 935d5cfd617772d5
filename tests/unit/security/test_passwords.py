import pytest

from council.security.passwords import Argon2Parameters, PasswordHasher, common_passwords, policy_problems

FAST = Argon2Parameters(memory_cost=64, iterations=1, lanes=1)


def test_hash_verifies_only_the_right_password():
    hasher = PasswordHasher(FAST)
    encoded = hasher.hash("梅雨の晴れ間に散歩する")
    assert encoded.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert hasher.verify(encoded, "梅雨の晴れ間に散歩する")
    assert not hasher.verify(encoded, "梅雨の晴れ間に散歩した")


def test_same_password_gets_a_different_salt_each_time():
    hasher = PasswordHasher(FAST)
    assert hasher.hash("a long enough passphrase") != hasher.hash("a long enough passphrase")


def test_missing_hash_never_verifies():
    assert not PasswordHasher(FAST).verify(None, "anything at all here")


def test_parameter_change_asks_for_rehash():
    old = PasswordHasher(FAST).hash("a long enough passphrase")
    assert PasswordHasher(Argon2Parameters(memory_cost=128, iterations=1, lanes=1)).needs_rehash(old)
    assert not PasswordHasher(FAST).needs_rehash(old)


def test_production_parameters_meet_asvs():
    # OWASP / ASVS 5: Argon2id with at least 19 MiB memory, 2 iterations, 1 degree of parallelism.
    params = Argon2Parameters()
    assert (params.memory_cost, params.iterations, params.lanes) >= (19456, 2, 1)
    assert PasswordHasher().hash("x" * 12).startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_common_password_list_is_large_enough():
    assert len(common_passwords()) >= 3000


@pytest.mark.parametrize("password", ["short", "elevenchars"])
def test_short_passwords_refused(password):
    assert policy_problems(password)


@pytest.mark.parametrize("password", ["qwertyuiop123", "iloveyou1234!", "Password1234", "1q2w3e4r5t6y"])
def test_common_passwords_refused(password):
    assert any("common" in problem for problem in policy_problems(password))


@pytest.mark.parametrize("password", ["passwordpassword", "PasswordPassword", "aaaaaaaaaaaaaa", "abcabcabcabc"])
def test_repetitions_refused(password):
    assert any("repeating" in problem for problem in policy_problems(password))


def test_password_containing_username_refused():
    assert policy_problems("yamada-tarou-secret", username="yamada-tarou")


LONG = " ".join(f"walk{i} by the river" for i in range(10))[:128]


@pytest.mark.parametrize("password", ["correct horse battery staple", "あいうえおかきくけこさし", LONG, LONG.upper()])
def test_long_passwords_without_composition_rules_accepted(password):
    assert policy_problems(password) == []


def test_overlong_password_refused():
    assert len(LONG) == 128
    assert policy_problems((LONG * 3)[:257])
