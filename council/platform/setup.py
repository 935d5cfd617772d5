"""Creating the platform's instance folder: its own keys and database."""

from __future__ import annotations

import secrets

from council.core.keyfiles import create_key_file
from council.platform import config


def initialise() -> list[str]:
    """Create the platform's keys (0600) if missing and bring its database to head; return what was created."""
    from council.platform import create_app

    folder = config.instance_path()
    created = []
    for name in (config.SECRET_KEY_FILE, config.TOTP_KEY_FILE):
        if create_key_file(folder / name, secrets.token_bytes(32)):
            created.append(f"platform/{name}")
    create_app({"CREATE_DATABASE": True})
    return created
