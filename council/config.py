"""Council-side settings: defaults, environment overrides, and the checks that refuse an unsafe start."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from council import instance as instance_files
from council.core.db import sqlite_file
from council.core.keyfiles import KeyFileError, read_key_file
from council.security import sealing
from council.security.signin import ACCOUNT_DEFAULTS


class ConfigError(RuntimeError):
    """The app must not start; the message says what to do."""


DEFAULTS = {
    **ACCOUNT_DEFAULTS,
    "PLEDGE_VALID_FOR": dt.timedelta(days=365),
    #: 緊急アクセス: how long a break-glass grant lasts, and for how many days its notice stays in the inboxes.
    "BREAK_GLASS_HOURS": 4,
    "BREAK_GLASS_NOTICE_DAYS": 14,
    # Days a receiver has to answer a handoff (つなぎ・移管) or a request for one; after that it is expired.
    "HANDOFF_RESPOND_DAYS": 14,
    # Days the former lead keeps reading a transferred case (閲覧のみ) to close out; the grant then lapses by itself.
    "TRANSFER_CLOSE_OUT_DAYS": 30,
    # 会議資料の閲覧期間: a meeting's participants read the briefs of its agenda cases from this many days before it
    # starts until this many hours after it ends (grants with basis ``meeting:<id>``, moved when it is rescheduled).
    "MEETING_WINDOW_BEFORE_DAYS": 3,
    "MEETING_WINDOW_AFTER_HOURS": 24,
    # Days after a task's due date (the end of that Japan day) the task institution keeps its summary grant of the
    # case (basis ``meeting:<id>``); the grant ends earlier when the institution completes its last open task.
    "TASK_GRANT_GRACE_DAYS": 14,
    # Days after a meeting ends that the coordinator's drafting grants (the minutes) last unless approved earlier.
    "MINUTES_DRAFTING_DAYS": 30,
    # Days after approval that attendees and tasked institutions read a case's part of approved minutes on screen (their
    # ``minutes`` grant); each files its printed copy. The coordinator institution keeps the council's minutes for good.
    "MINUTES_KEPT_DAYS": 90,
    # 見直しの周期: months from a review to the next one, per risk level (the default next review date a meeting
    # proposes, and the ledger's "due for review").
    "REVIEW_CADENCE_MONTHS": {"high": 3, "medium": 3, "low": 3},
    # The auditor's anomaly rules (council.audit.reviews.anomalies; each is explained on its page with these values).
    # More accesses than usual: above the user's mean + AUDIT_VOLUME_SIGMAS standard deviations of their previous
    # AUDIT_VOLUME_HISTORY_DAYS Japan days, and never at AUDIT_VOLUME_MINIMUM or fewer.
    "AUDIT_VOLUME_SIGMAS": 3,
    "AUDIT_VOLUME_HISTORY_DAYS": 30,
    "AUDIT_VOLUME_MINIMUM": 30,
    # Office hours in Japan time, [opens, closes) in whole hours; weekends, holidays and 12/29–1/3 are closed days.
    "AUDIT_OFFICE_HOURS": (8, 20),
    # Many different cases in a short time: AUDIT_BURST_CASES different cases within AUDIT_BURST_MINUTES minutes.
    "AUDIT_BURST_CASES": 15,
    "AUDIT_BURST_MINUTES": 10,
    # Repeated refusals: this many refused case requests by one user on one Japan day.
    "AUDIT_REFUSALS_PER_DAY": 3,
}

INIT_HINT = "council init"
#: Key-encryption keys and the index key are 32 bytes (AES-256, HMAC-SHA256).
KEY_BYTES = 32


def load(app, test_config: dict | None) -> None:
    """Fill ``app.config``: defaults, then instance/config.py, then environment, then ``test_config``."""
    folder = Path(test_config.get("INSTANCE_PATH")) if test_config and "INSTANCE_PATH" in test_config \
        else instance_files.instance_path()
    app.config.update(DEFAULTS)
    app.config["INSTANCE_PATH"] = folder
    app.config.from_pyfile(str(folder / "config.py"), silent=True)
    env = os.environ
    if env.get("COUNCIL_DATABASE_URL"):
        app.config["DATABASE_URL"] = env["COUNCIL_DATABASE_URL"]
    if env.get("COUNCIL_ENV"):
        app.config["ENVIRONMENT"] = env["COUNCIL_ENV"]
    if env.get("COUNCIL_URL_SCHEME"):
        app.config["PREFERRED_URL_SCHEME"] = env["COUNCIL_URL_SCHEME"]
    if env.get("COUNCIL_PROXY_COUNT"):
        app.config["PROXY_COUNT"] = int(env["COUNCIL_PROXY_COUNT"])
    if env.get("COUNCIL_TRUSTED_HOSTS"):
        # Setup links are built from the request's Host; only these names are accepted in production.
        app.config["TRUSTED_HOSTS"] = [name.strip() for name in env["COUNCIL_TRUSTED_HOSTS"].split(",") if name.strip()]
    if env.get("COUNCIL_MIGRATION_DATABASE_URL"):
        app.config["MIGRATION_DATABASE_URL"] = env["COUNCIL_MIGRATION_DATABASE_URL"]
    app.config.setdefault("DATABASE_URL", f"sqlite:///{folder / 'council.db'}")
    if test_config:
        app.config.update(test_config)
    # Migrations run as the table owner; the app itself may connect as a less privileged role.
    app.config.setdefault("MIGRATION_DATABASE_URL", app.config["DATABASE_URL"])
    _load_keys(app.config)


def _load_keys(config) -> None:
    keys = instance_files.keys_dir(config["INSTANCE_PATH"])
    try:
        config["SECRET_KEY"] = os.environ.get("COUNCIL_SECRET_KEY") or \
            read_key_file(keys / instance_files.SECRET_KEY, fix=INIT_HINT)
        for name in (instance_files.INDEX_KEY, instance_files.AUDIT_SIGNING_KEY):
            read_key_file(keys / name, fix=INIT_HINT)
        config[sealing.CONFIG_KEY] = sealing.SecretBox(read_key_file(keys / instance_files.TOTP_KEY, fix=INIT_HINT))
        keks = sorted(keys.glob("kek-*.key"))
        if not keks and not os.environ.get("COUNCIL_KEK_1"):
            raise KeyFileError(f"No key-encryption key (kek-*.key) in {keys}. Run `{INIT_HINT}` on a new instance, "
                               "or restore the key files from your key backup.")
        for path in [*keks, keys / instance_files.INDEX_KEY]:
            if len(read_key_file(path, fix=INIT_HINT)) != KEY_BYTES:
                raise KeyFileError(f"Key file {path} does not hold a {KEY_BYTES}-byte key: it is damaged or not a "
                                   "council key. Restore it from your key backup.")
    except KeyFileError as error:
        raise ConfigError(str(error)) from None


def validate(config) -> None:
    """Refuse to start when the configuration is unsafe or incomplete; the message names the fix."""
    if not config.get("SECRET_KEY"):
        raise ConfigError(f"No secret key. Run `{INIT_HINT}`.")
    if config["ENVIRONMENT"] == "production":
        if config.get("DEBUG"):
            raise ConfigError("DEBUG is on in production. Remove DEBUG from instance/config.py and the environment.")
        if config.get("PREFERRED_URL_SCHEME") != "https":
            raise ConfigError("Production must be served over HTTPS. Set COUNCIL_URL_SCHEME=https behind the proxy.")
        if not config.get("TRUSTED_HOSTS"):
            # Without them any Host header is answered, and links (setup links above all) are built from it.
            raise ConfigError("Production needs the host names the council is served under. Set "
                              "COUNCIL_TRUSTED_HOSTS (comma-separated, e.g. council.city.example.lg.jp) or "
                              "TRUSTED_HOSTS in instance/config.py.")
    database = sqlite_file(config["DATABASE_URL"])
    if database and not config.get("CREATE_DATABASE") and not database.exists():
        raise ConfigError(f"The council database {database} does not exist. Run `{INIT_HINT}`.")
