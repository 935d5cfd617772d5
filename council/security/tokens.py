"""Random tokens for session ids and one-time links; only their hashes are stored."""

import hashlib
import secrets


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps: a leaked table gives no usable session or link."""
    return hashlib.sha256(token.encode()).hexdigest()
