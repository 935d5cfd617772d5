"""Platform audit events, version 2: format versions

- ``format_version`` on every event (1 for the events already written, which verify as they were hashed);
- ``basis`` becomes TEXT, as on the council side (one mixin describes both chains).

SQLite cannot change a column's type in place, so platform_audit_event is rebuilt there (its rows copied as
they are, its triggers dropped and created again); PostgreSQL alters it in place, which fires no row triggers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:00:00
"""
from alembic import op
import sqlalchemy as sa

from council.security.auditchain import append_only_ddl


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLE = 'platform_audit_event'


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        _drop_sqlite_triggers()
    with op.batch_alter_table(TABLE, schema=None, recreate='always' if sqlite else 'auto') as batch_op:
        batch_op.add_column(sa.Column('format_version', sa.SmallInteger(), server_default=sa.text('1'),
                                      nullable=False))
        batch_op.alter_column('basis', existing_type=sa.String(length=80), type_=sa.Text(), existing_nullable=True)
    if sqlite:
        _make_append_only()


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        _drop_sqlite_triggers()
    with op.batch_alter_table(TABLE, schema=None, recreate='always' if sqlite else 'auto') as batch_op:
        batch_op.alter_column('basis', existing_type=sa.Text(), type_=sa.String(length=80), existing_nullable=True)
        batch_op.drop_column('format_version')
    if sqlite:
        _make_append_only()


def _make_append_only() -> None:
    """The database itself refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit rows."""
    for statement in append_only_ddl(TABLE, 'sqlite'):
        op.execute(statement)


def _drop_sqlite_triggers() -> None:
    op.execute(f'DROP TRIGGER IF EXISTS {TABLE}_no_update')
    op.execute(f'DROP TRIGGER IF EXISTS {TABLE}_no_delete')
