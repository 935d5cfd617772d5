"""On PostgreSQL the app's own role cannot change audit rows, not even by disabling the triggers."""

import uuid

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.audit.roles import grant_app_role
from council.database import db
from council.security import auditchain
from tests.conftest import PG_URL


@pytest.fixture
def app_role(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("database roles exist on PostgreSQL only")
    role = f"council_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
    yield role
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        database = app.config["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect(PG_URL.rsplit("/", 1)[0] + f"/{database}", autocommit=True) as owner:
            owner.execute(f"DROP OWNED BY {role}")
        admin.execute(f"DROP ROLE {role}")


def test_app_role_appends_and_reads_but_cannot_change_audit_rows(app, app_config, app_role):
    from council import create_app

    with app.app_context():
        grant_app_role(db.engine, app_role)
    as_role = app_config["DATABASE_URL"].replace("postgres@", f"{app_role}@")
    restricted = create_app({**app_config, "DATABASE_URL": as_role, "MIGRATION_DATABASE_URL":
                             app_config["DATABASE_URL"]})
    with restricted.app_context():
        record(tag=AuditTag.AUDIT_LOG_VIEWED)
        record(tag=AuditTag.CASE_LISTED, cases=[1, 2])  # the side table: appended, then never changed
        db.session.commit()
        for attack in ("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete",
                       "UPDATE audit_event SET reason = 'x'", "DELETE FROM audit_event", "TRUNCATE audit_event",
                       "ALTER TABLE audit_event_case DISABLE TRIGGER audit_event_case_no_update_delete",
                       "UPDATE audit_event_case SET case_id = 3", "DELETE FROM audit_event_case",
                       "TRUNCATE audit_event_case"):
            with pytest.raises(ProgrammingError, match="permission denied|must be owner"):
                db.session.execute(text(attack))
            db.session.rollback()
        assert auditchain.verify(db.session, AuditEvent).intact
    db.dispose(restricted)


def test_role_names_are_checked(app):
    with app.app_context(), pytest.raises(ValueError):
        grant_app_role(db.engine, "x; DROP TABLE audit_event")
