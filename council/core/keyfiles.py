"""Key files: created once with mode 0600, never overwritten, refused when others can read them."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class KeyFileError(RuntimeError):
    """A key file is missing or unsafe; the message names the fix."""


def create_key_file(path: Path, data: bytes) -> bool:
    """Write ``data`` to a new file readable by the owner only; False (and untouched) if it exists."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


def read_key_file(path: Path, *, fix: str) -> bytes:
    """The contents of a key file; raises KeyFileError naming ``fix`` when missing or too open."""
    if not path.exists():
        raise KeyFileError(f"Key file {path} is missing. Run `{fix}` to create it.")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"Key file {path} is readable by others (mode {mode:o}). Run `chmod 600 {path}`.")
    return path.read_bytes()
