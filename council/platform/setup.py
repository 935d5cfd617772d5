"""Creating the platform's instance folder: its own secret key and database."""

from __future__ import annotations

import secrets

from council.core.keyfiles import create_key_file
from council.platform import config


def initialise() -> list[str]:
    """Create the platform secret key (0600) if missing and bring its database to head; return what was created."""
    from council.platform import create_app

    folder = config.instance_path()
    created = []
    if create_key_file(folder / config.SECRET_KEY_FILE, secrets.token_bytes(32)):
        created.append(f"platform/{config.SECRET_KEY_FILE}")
    create_app({"CREATE_DATABASE": True})
    return created
