"""Audit events, version 2: format versions, case columns, the cases a list showed

- ``format_version`` on every event (1 for the events already written, which verify as they were hashed);
- ``case_id`` and ``case_number``, indexed with the council and the sequence ("who looked at case X");
- ``basis`` becomes TEXT: a list page joins the bases of every case it showed;
- ``audit_event_case``: the cases a list, search, duplicate check or key re-wrap concerned, append-only
  like audit_event (triggers here; `council db grant-app-role` gives the app only SELECT and INSERT).

SQLite cannot change a column's type in place, so audit_event is rebuilt there (its rows copied as they
are, its triggers dropped and created again); PostgreSQL alters it in place, which fires no row triggers.

Downgrading drops the case columns, which version 2 events are hashed over: their chain no longer
verifies afterwards. It exists for development only.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 02:00:00
"""
from alembic import op
import sqlalchemy as sa

from council.security.auditchain import append_only_ddl


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        _drop_sqlite_triggers('audit_event')
    with op.batch_alter_table('audit_event', schema=None, recreate='always' if sqlite else 'auto') as batch_op:
        batch_op.add_column(sa.Column('format_version', sa.SmallInteger(), server_default=sa.text('1'),
                                      nullable=False))
        batch_op.add_column(sa.Column('case_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('case_number', sa.String(length=20), nullable=True))
        batch_op.alter_column('basis', existing_type=sa.String(length=80), type_=sa.Text(), existing_nullable=True)
        batch_op.create_index('ix_audit_event_council_case_seq', ['council_id', 'case_id', 'seq'], unique=False)
    if sqlite:
        _make_append_only('audit_event')

    op.create_table('audit_event_case',
    sa.Column('event_seq', sa.BigInteger(), nullable=False),
    sa.Column('case_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['event_seq'], ['audit_event.seq'], name=op.f('fk_audit_event_case_event_seq_audit_event')),
    sa.PrimaryKeyConstraint('event_seq', 'case_id', name=op.f('pk_audit_event_case'))
    )
    with op.batch_alter_table('audit_event_case', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_case_case_id_seq', ['case_id', 'event_seq'], unique=False)
    _make_append_only('audit_event_case')


def _make_append_only(table: str) -> None:
    """The database itself refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit rows."""
    for statement in append_only_ddl(table, op.get_bind().dialect.name):
        op.execute(statement)


def _drop_sqlite_triggers(table: str) -> None:
    op.execute(f'DROP TRIGGER IF EXISTS {table}_no_update')
    op.execute(f'DROP TRIGGER IF EXISTS {table}_no_delete')


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.drop_table('audit_event_case')
    if not sqlite:
        op.execute('DROP FUNCTION audit_event_case_refuse_change()')
    else:
        _drop_sqlite_triggers('audit_event')
    with op.batch_alter_table('audit_event', schema=None, recreate='always' if sqlite else 'auto') as batch_op:
        batch_op.drop_index('ix_audit_event_council_case_seq')
        batch_op.alter_column('basis', existing_type=sa.Text(), type_=sa.String(length=80), existing_nullable=True)
        batch_op.drop_column('case_number')
        batch_op.drop_column('case_id')
        batch_op.drop_column('format_version')
    if sqlite:
        _make_append_only('audit_event')
