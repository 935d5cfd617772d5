"""Key files and the instance folders that hold them.

Key files are created once with mode 0600, never overwritten, and refused when others can read them.
Instance folders (keys, SQLite databases) are 0700: nobody but the app's own account may even list them.
"""

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


def create_private_folder(path: Path) -> str | None:
    """Create ``path`` (and its parents) if missing and make it the owner's only (0700).

    Returns a line saying what was tightened, or None when it was private already. A folder checked out
    by git or made by an older version is 0755; it holds the keys and the databases, so it is closed.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return make_private(path)


def make_private(path: Path) -> str | None:
    """Take every permission of group and others from ``path`` (folder 0700, file 0600) if it has any.

    Returns a line saying what was changed, or None when nothing was (the path is missing or private).
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if not mode & 0o077:
        return None
    private = 0o700 if path.is_dir() else 0o600
    path.chmod(private)
    return f"{path}: mode {mode:o} -> {private:o} (owner only)"
