"""Do failed sign-ins take the same time whatever the reason? (issue #2: no timing difference worth measuring)

    .venv/bin/python bench/login_timing.py [--rounds 40]

Runs the real /login form against a fresh SQLite instance with the production Argon2id parameters and
reports the median server time for: unknown user, wrong password, disabled account, locked account,
and (for scale) the right password. Attempts are interleaved so drift affects every case alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from council import create_app
from council.auth.models import User
from council.core.db import utcnow
from council.database import db
from council.instance import create_keys

PASSWORD = "timing bench passphrase"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    folder = Path(tempfile.mkdtemp())
    create_keys(folder)
    app = create_app({"INSTANCE_PATH": folder, "DATABASE_URL": f"sqlite:///{folder}/c.db", "CREATE_DATABASE": True,
                      "WTF_CSRF_ENABLED": False, "LOGIN_IP_MAX_FAILURES": 10**9, "LOGIN_BACKOFF_AFTER": 10**9,
                      "LOGIN_LOCKOUT_AFTER": 10**9})
    with app.app_context():
        from council.auth.admin import create_institution
        from council.auth.services import accounts, create_council

        institution = create_institution(actor=None, council=create_council("bench"), name="i", kind="npo",
                                         is_coordinator=False)
        for name in ("normal", "disabled", "locked"):
            user = User(username=name, display_name=name, institution_id=institution.id, role="caseworker",
                        failed_logins=0, password_hash=accounts().hasher.hash(PASSWORD), totp_secret="A" * 32)
            if name == "disabled":
                user.disabled_at = utcnow()
            db.session.add(user)
        db.session.commit()
    cases = {
        "unknown user": ("nobody", "wrong password"),
        "wrong password": ("normal", "wrong password"),
        "disabled account": ("disabled", PASSWORD),
        "locked account": ("locked", PASSWORD),
        "right password": ("normal", PASSWORD),
    }
    timings = {name: [] for name in cases}
    client = app.test_client()
    for _ in range(rounds):
        with app.app_context():  # keep "locked" locked and "normal" unlocked, whatever the counters say
            later = utcnow() + dt.timedelta(hours=1)
            db.session.query(User).filter_by(username="locked").update({"locked_until": later})
            db.session.query(User).filter_by(username="normal").update({"locked_until": None, "failed_logins": 0})
            db.session.commit()
        for name, (username, password) in cases.items():
            began = time.perf_counter()
            client.post("/login", data={"username": username, "password": password})
            timings[name].append((time.perf_counter() - began) * 1000)
    print(f"{rounds} rounds, production Argon2id parameters, {os.cpu_count()} cores")
    for name, values in timings.items():
        ordered = sorted(values)
        print(f"  {name:<17} median {statistics.median(values):6.1f} ms   "
              f"(p10 {ordered[len(values) // 10]:6.1f}, p90 {ordered[len(values) * 9 // 10]:6.1f})")


if __name__ == "__main__":
    main()
