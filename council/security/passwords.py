"""Password hashing (Argon2id from ``cryptography``) and the password policy.

The policy follows ASVS 5 / NIST SP 800-63B: length matters, composition rules do not, and passwords
that attackers try first are refused.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from council.core.i18n import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256


@dataclass(frozen=True)
class Argon2Parameters:
    """Cost of one hash. The default is the OWASP / ASVS 5 minimum: 19 MiB, 2 passes, 1 lane."""

    memory_cost: int = 19456
    iterations: int = 2
    lanes: int = 1


_PHC_PARAMS = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


class PasswordHasher:
    def __init__(self, parameters: Argon2Parameters = Argon2Parameters()):
        self.parameters = parameters
        # Compared against when the account does not exist, so that unknown usernames cost the same
        # time as wrong passwords and cannot be told apart by timing.
        self._decoy = self.hash(os.urandom(16).hex())

    def hash(self, password: str) -> str:
        """Return the PHC string ($argon2id$v=19$m=…) for ``password`` with a fresh 16-byte salt."""
        p = self.parameters
        kdf = Argon2id(
            salt=os.urandom(16), length=32, iterations=p.iterations, lanes=p.lanes, memory_cost=p.memory_cost
        )
        return kdf.derive_phc_encoded(password.encode())

    def verify(self, encoded: str | None, password: str) -> bool:
        """True when ``password`` matches ``encoded``; with no hash, spend the same time and say False."""
        try:
            Argon2id.verify_phc_encoded(password.encode(), encoded or self._decoy)
        except (InvalidKey, ValueError):
            return False
        return encoded is not None

    def needs_rehash(self, encoded: str) -> bool:
        """True when ``encoded`` was made with other parameters than the configured ones."""
        match = _PHC_PARAMS.match(encoded)
        if not match:
            return True
        p = self.parameters
        return tuple(map(int, match.groups())) != (p.memory_cost, p.iterations, p.lanes)


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _is_repetition(text: str) -> bool:
    """True for 'aaaaaaaaaaaa', 'abcabcabcabc', 'passwordpassword': long only by repeating a short part."""
    if len(set(text)) <= 2:
        return True
    return any(text == text[:size] * (len(text) // size) for size in range(1, len(text) // 2 + 1)
               if len(text) % size == 0)


def policy_problems(password: str, *, username: str = "") -> list[str]:
    """Reasons why ``password`` may not be used; an empty list means it is acceptable."""
    normalised = unicodedata.normalize("NFKC", password)
    problems = []
    if len(normalised) < MIN_LENGTH:
        problems.append(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(normalised) > MAX_LENGTH:
        problems.append(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = normalised.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!") in common_passwords():
        problems.append(_l("This password is among the most commonly used ones. Choose another."))
    if _is_repetition(lowered):
        problems.append(_l("Avoid repeating the same characters or words."))
    if username and username.lower() in lowered:
        problems.append(_l("The password must not contain the username."))
    return [str(p) for p in problems]
