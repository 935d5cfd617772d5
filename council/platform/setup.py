"""Creating the platform's instance folder: its own secret key and database."""

from __future__ import annotations

import secrets

from council.core.db import sqlite_files
from council.core.keyfiles import create_key_file, create_private_folder, make_private
from council.platform import config


def initialise() -> list[str]:
    """Create the platform's instance folder (0700), secret key (0600) and database, and bring it to head.

    Tightens a folder or SQLite database that others can read. Returns a line for each thing created or
    tightened; raises PlatformConfigError naming the fix when the platform cannot start.
    """
    from council.platform import create_app

    folder = config.instance_path()
    tightened = [create_private_folder(folder)]
    created = []
    if create_key_file(folder / config.SECRET_KEY_FILE, secrets.token_bytes(32)):
        created.append(f"created platform/{config.SECRET_KEY_FILE}")
    app = create_app({"CREATE_DATABASE": True})
    tightened += [make_private(path) for path in sqlite_files(app.config["DATABASE_URL"])]
    return created + [f"tightened {line}" for line in tightened if line]
