"""The auditor's workspace at 10 million events: marked events, and accesses counted per day (issue 12)

- ``audit_event.flagged`` and ``audit_event.break_glass``: what 「要確認のみ」 shows (refusals, errors, every step of
  an emergency access, shares on 緊急) and whether the basis is an emergency access's (the basis filter
  緊急アクセス), each with a partial index of (council, seq) over the marked events only. They are derived from
  hashed fields (outcome, tag, reason, basis) and not hashed themselves: the chain's hashes do not change. Existing
  events are marked here, with the rule ``council.audit.marks`` applies to new ones (copied below as it stands
  today, so that this migration never changes); the table refuses UPDATE, so its trigger is set aside for that
  one statement on each database and put back.
- ``audit_access_day`` / ``audit_access_count``: each user's accesses on each closed Japan day, counted once by the
  first page that needs them (``council.audit.reviews.daily``); empty here.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 16:00:00
"""
from alembic import op
import sqlalchemy as sa

from council.security.auditchain import append_only_ddl


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

#: The marked tags as of this migration: emergency access (opened, refused, ended, acknowledged, reviewed) and shares.
FLAGGED_TAGS = ('case:break_glass:acknowledged', 'case:break_glass:ended', 'case:break_glass:opened',
                'case:break_glass:refused', 'case:break_glass:reviewed', 'case:grant:created')

_events = sa.table('audit_event', sa.column('seq', sa.BigInteger()), sa.column('tag', sa.String()),
                   sa.column('outcome', sa.String()), sa.column('reason', sa.Text()), sa.column('basis', sa.Text()),
                   sa.column('flagged', sa.Boolean()), sa.column('break_glass', sa.Boolean()))


def flagged_condition():
    """Refused or failed; a step of an emergency access; a share on the emergency legal basis (緊急)."""
    events = _events.c
    return sa.or_(events.outcome.in_(('denied', 'error')),
                  sa.and_(events.tag.in_(FLAGGED_TAGS),
                          sa.or_(events.tag != 'case:grant:created',
                                 sa.func.coalesce(events.reason, '').contains('; emergency;', autoescape=True))))


def break_glass_condition():
    """The basis is an emergency access's: ``break_glass``, ``break_glass:<id>`` or one of a list's kinds."""
    basis = _events.c.basis
    return sa.and_(basis.is_not(None), sa.or_(
        basis == 'break_glass', basis.startswith('break_glass:', autoescape=True),
        basis.startswith('break_glass,', autoescape=True), basis.endswith(',break_glass', autoescape=True),
        basis.contains(',break_glass,', autoescape=True)))


def mark_existing(bind) -> None:
    """Mark the events already written (the few that are): the append-only trigger is set aside meanwhile."""
    sqlite = bind.dialect.name == 'sqlite'
    if sqlite:
        bind.execute(sa.text('DROP TRIGGER IF EXISTS audit_event_no_update'))
        bind.execute(sa.text('DROP TRIGGER IF EXISTS audit_event_no_delete'))
    else:
        bind.execute(sa.text('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete'))
    bind.execute(sa.update(_events).where(flagged_condition()).values(flagged=sa.true()))
    bind.execute(sa.update(_events).where(break_glass_condition()).values(break_glass=sa.true()))
    if sqlite:
        for statement in append_only_ddl('audit_event', 'sqlite'):
            bind.execute(sa.text(statement))
    else:
        bind.execute(sa.text('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update_delete'))


def upgrade() -> None:
    op.add_column('audit_event', sa.Column('flagged', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('audit_event', sa.Column('break_glass', sa.Boolean(), server_default=sa.false(), nullable=False))
    mark_existing(op.get_bind())
    op.create_index('ix_audit_event_council_flagged_seq', 'audit_event', ['council_id', 'seq'],
                    sqlite_where=sa.text('flagged = 1'), postgresql_where=sa.text('flagged'))
    op.create_index('ix_audit_event_council_break_glass_seq', 'audit_event', ['council_id', 'seq'],
                    sqlite_where=sa.text('break_glass = 1'), postgresql_where=sa.text('break_glass'))

    op.create_table(
        'audit_access_day',
        sa.Column('council_id', _ID, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('head_seq', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_audit_access_day_council_id_council')),
        sa.PrimaryKeyConstraint('council_id', 'day', name=op.f('pk_audit_access_day')),
    )
    op.create_table(
        'audit_access_count',
        sa.Column('council_id', _ID, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('accesses', sa.Integer(), nullable=False),
        sa.Column('last_seq', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'],
                                name=op.f('fk_audit_access_count_council_id_council')),
        sa.PrimaryKeyConstraint('council_id', 'day', 'user_id', name=op.f('pk_audit_access_count')),
    )


def downgrade() -> None:
    op.drop_table('audit_access_count')
    op.drop_table('audit_access_day')
    op.drop_index('ix_audit_event_council_break_glass_seq', table_name='audit_event')
    op.drop_index('ix_audit_event_council_flagged_seq', table_name='audit_event')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:  # SQLite drops a column by rebuilding the table: without its triggers, which are made again
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_update')
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_delete')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('break_glass')
        batch_op.drop_column('flagged')
    if sqlite:
        for statement in append_only_ddl('audit_event', 'sqlite'):
            op.execute(statement)
