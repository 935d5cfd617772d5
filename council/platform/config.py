"""Platform settings. Only PLATFORM_* variables are read; the council's settings are never consulted."""

from __future__ import annotations

import os
from pathlib import Path

from council.core.db import sqlite_file
from council.core.keyfiles import KeyFileError, read_key_file
from council.security import sealing
from council.security.signin import ACCOUNT_DEFAULTS

INIT_HINT = "council platform init"
SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name)
#: Seals the platform users' TOTP secrets in the platform database (its own key, never the council's).
TOTP_KEY_FILE = sealing.KEY_FILE


class PlatformConfigError(RuntimeError):
    """The platform must not start; the message says what to do."""


DEFAULTS = {
    **ACCOUNT_DEFAULTS,
    #: Areas that organisations, places and projects are filed under; set the municipality's own districts in
    #: the platform's config.py, e.g. AREAS = ["市内全域", "五井", "市原", "姉崎", ...].
    "AREAS": ["市内全域", "北部", "中部", "南部", "東部", "西部"],
    #: The iCalendar feed lists events from this many days ago onwards.
    "CALENDAR_PAST_DAYS": 30,
    #: Path of the council's public key (PEM, from `council stats public-key`); relative paths are taken from
    #: the platform instance folder. Without it the platform runs, but refuses to import statistics.
    "COUNCIL_PUBLIC_KEY": None,
}


def instance_path() -> Path:
    return Path(os.environ.get("PLATFORM_INSTANCE_PATH", "instance/platform")).resolve()


def load(app, test_config: dict | None) -> None:
    folder = Path(test_config["INSTANCE_PATH"]) if test_config and "INSTANCE_PATH" in test_config \
        else instance_path()
    app.config.update(DEFAULTS)
    app.config["INSTANCE_PATH"] = folder
    app.config.from_pyfile(str(folder / "config.py"), silent=True)
    env = os.environ
    for name in ("DATABASE_URL", "ENV", "URL_SCHEME", "PROXY_COUNT", "COUNCIL_PUBLIC_KEY"):
        if env.get(f"PLATFORM_{name}"):
            app.config[{"ENV": "ENVIRONMENT", "URL_SCHEME": "PREFERRED_URL_SCHEME"}.get(name, name)] = \
                env[f"PLATFORM_{name}"]
    if env.get("PLATFORM_TRUSTED_HOSTS"):
        # Setup links and the calendar's event URLs are built from the request's Host: accept only these names.
        app.config["TRUSTED_HOSTS"] = [name.strip() for name in env["PLATFORM_TRUSTED_HOSTS"].split(",")
                                       if name.strip()]
    app.config.setdefault("DATABASE_URL", f"sqlite:///{folder / 'platform.db'}")
    if test_config:
        app.config.update(test_config)
    try:
        app.config["SECRET_KEY"] = env.get("PLATFORM_SECRET_KEY") or \
            read_key_file(folder / SECRET_KEY_FILE, fix=INIT_HINT)
        app.config[sealing.CONFIG_KEY] = sealing.SecretBox(read_key_file(folder / TOTP_KEY_FILE, fix=INIT_HINT))
    except KeyFileError as error:
        raise PlatformConfigError(str(error)) from None


def validate(config) -> None:
    if config["ENVIRONMENT"] == "production":
        if config.get("DEBUG"):
            raise PlatformConfigError("DEBUG is on in production. Remove it from the platform's config.py.")
        if config.get("PREFERRED_URL_SCHEME") != "https":
            raise PlatformConfigError("Production must be served over HTTPS. Set PLATFORM_URL_SCHEME=https.")
        if not config.get("TRUSTED_HOSTS"):
            # Without them any Host header is answered, and setup links and calendar URLs are built from it.
            raise PlatformConfigError("Production needs the host names the platform is served under. Set "
                                      "PLATFORM_TRUSTED_HOSTS (comma-separated, e.g. platform.city.example.jp) or "
                                      "TRUSTED_HOSTS in the platform's config.py.")
    database = sqlite_file(config["DATABASE_URL"])
    if database and not config.get("CREATE_DATABASE") and not database.exists():
        raise PlatformConfigError(f"The platform database {database} does not exist. Run `{INIT_HINT}`.")
