"""A worker killed with SIGKILL in the middle of writing leaves no half-written change: every support record has
its audit event and every event its record, the chain verifies, and every record still decrypts."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time

from sqlalchemy import func, select

from council.access.policy import Action, authorize
from council.access.reads import record_read
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.audit.verification import verify_chain
from council.auth.models import User
from council.cases.models import Case, SupportRecord
from council.cases.vault import vault
from council.database import db

#: Writes records in a loop, one transaction each (the record and its event), printing each commit.
WRITER = textwrap.dedent("""
    import itertools, sys
    from pathlib import Path
    from council import create_app
    from council.access.policy import Action, authorize
    from council.auth.models import User
    from council.cases.models import Case
    from council.cases.records import add_record
    from council.core.clock import utcnow
    from council.database import db

    instance, url, user_id, case_id = sys.argv[1:5]
    app = create_app({"TESTING": True, "INSTANCE_PATH": Path(instance), "DATABASE_URL": url})
    with app.app_context():
        actor, case = db.session.get(User, int(user_id)), db.session.get(Case, int(case_id))
        for number in itertools.count():
            add_record(actor=actor, case=case, access=authorize(actor, Action.WRITE_RECORD, case),
                       occurred_at=utcnow(), kind="phone", body=f"電話で様子を確認した（{number}）")
            print(number, flush=True)
""")


def test_a_writer_killed_mid_write_leaves_every_change_with_its_event(app, app_config, make_user, make_case):
    caseworker = make_user("caseworker")
    case = make_case(caseworker)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(app_config["INSTANCE_PATH"]),
                               app_config["DATABASE_URL"], str(caseworker.id), str(case.id)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(15):  # well into its stride: connected, writing one transaction after another
            assert writer.stdout.readline(), writer.stderr.read()
        time.sleep(random.uniform(0, 0.05))
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    with app.app_context():
        records = db.session.scalar(select(func.count()).select_from(SupportRecord)
                                    .where(SupportRecord.case_id == case.id))
        events = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.case_id == case.id, AuditEvent.tag == AuditTag.RECORD_CREATED))
        assert records == events + 1 >= 16  # the intake's first record is written with the case's own event
        assert verify_chain().intact
        actor, stored = db.session.get(User, caseworker.id), db.session.get(Case, case.id)
        record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=stored, access=authorize(actor, Action.READ_FULL,
                                                                                         stored))
        rows = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id))
        assert all(vault().text(row, "body") for row in rows)
