"""Time-based one-time passwords (RFC 6238) with replay protection, and recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata

import pyotp
import segno

STEP_SECONDS = 30
#: Codes of the previous and next step are accepted too, for clock drift between phone and server.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


#: Pixels per module: whole pixels keep the modules' edges sharp for the phone's camera.
QR_SCALE = 5


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (no image host, no data: URI for the CSP to allow).

    segno gives the SVG a width and height but no viewBox; CSS that sizes it differently (a narrow screen)
    would then crop it rather than scale it, cutting off the quiet zone and a column of modules, and
    strict decoders fail (issue 8). The viewBox makes any drawn size show the whole symbol.
    """
    code = segno.make(uri, error="m")
    width, height = code.symbol_size(scale=QR_SCALE)
    svg = code.svg_inline(scale=QR_SCALE, dark="#111", light="#fff", title="QR")
    return svg.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1)


def verify(secret: str, code: str, *, last_step: int | None, now: float | None = None) -> int | None:
    """Return the time step that ``code`` belongs to, or None.

    A step at or before ``last_step`` is refused even when the code is right, so an observed code
    cannot be replayed within its validity window.
    """
    # NFKC turns full-width digits (the Japanese IME default) into ASCII ones; anything else is dropped.
    code = "".join(ch for ch in unicodedata.normalize("NFKC", code) if ch in "0123456789")
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            if last_step is not None and step <= last_step:
                return None
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 12 random characters (about 59 bits each), grouped for reading aloud."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """SHA-256 of the normalised code.

    A fast hash is enough here: the codes are random with ~59 bits, unlike passwords chosen by people.
    """
    normalised = "".join(ch for ch in unicodedata.normalize("NFKC", code).lower() if ch in _RECOVERY_ALPHABET)
    return hashlib.sha256(normalised.encode()).hexdigest()
