"""Creating the platform's instance folder: its own keys and database."""

from __future__ import annotations

import secrets

from council.core.db import sqlite_files
from council.core.keyfiles import create_key_file, create_private_folder, make_private
from council.platform import config


def initialise() -> list[str]:
    """Create the platform's instance folder (0700), keys (secret key, TOTP sealing key; 0600) and database.

    Brings the database to head and tightens a folder or SQLite database that others can read. Returns a line
    for each thing created or tightened; raises PlatformConfigError naming the fix when the platform cannot start.
    """
    from council.platform import create_app

    folder = config.instance_path()
    tightened = [create_private_folder(folder)]
    created = []
    for name in (config.SECRET_KEY_FILE, config.TOTP_KEY_FILE):
        if create_key_file(folder / name, secrets.token_bytes(32)):
            created.append(f"created platform/{name}")
    app = create_app({"CREATE_DATABASE": True})
    tightened += [make_private(path) for path in sqlite_files(app.config["DATABASE_URL"])]
    return created + [f"tightened {line}" for line in tightened if line]
