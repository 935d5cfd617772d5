"""PostgreSQL privileges that keep the audit trail append-only even for the application itself.

Triggers alone are not enough: the owner of a table can disable its triggers. So the app connects as a
role that owns nothing and holds only SELECT and INSERT on the audit tables, while migrations run as the
owner (COUNCIL_MIGRATION_DATABASE_URL). The owner could re-grant itself anything, which is why the
application must never connect as the owner in production.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Engine

#: The append-only tables: the chain and the cases its events concern (hashed into them), and the access counts
#: kept per closed day (derived from the chain, never changed once written: audit.reviews.daily).
AUDIT_TABLES = ("audit_event", "audit_event_case", "audit_access_day", "audit_access_count")
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_app_role(engine: Engine, role: str) -> None:
    """Give ``role`` what the app needs on every table, but only SELECT and INSERT on the audit tables."""
    if not _ROLE_NAME.match(role):
        raise ValueError(f"Not a plain PostgreSQL role name: {role!r}")
    if engine.dialect.name != "postgresql":
        raise ValueError("Database roles exist on PostgreSQL only; SQLite relies on the triggers.")
    with engine.begin() as connection:
        database = connection.execute(text("SELECT current_database()")).scalar()
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY(:audit))"
        ), {"audit": list(AUDIT_TABLES)}).scalars().all()
        statements = [
            f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
            f"GRANT USAGE ON SCHEMA public TO {role}",
            *(f"REVOKE ALL ON {table} FROM {role}" for table in AUDIT_TABLES),
            *(f"GRANT SELECT, INSERT ON {table} TO {role}" for table in AUDIT_TABLES),
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        ]
        statements += [f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{table}" TO {role}' for table in tables]
        for statement in statements:
            connection.execute(text(statement))
