"""The auditor's workspace: indexes that let a filtered page walk the chain by seq (issue 12)

A page of the auditor's log is "the newest 100 events of the council that match, older than seq N". For a filter
that most events miss — one user, refusals, a rare kind of event — walking the whole chain backwards and testing
each event costs seconds at 10 million events; an index of (council, that column, seq) walks only the matches, in
order. Only new indexes; nothing existing is touched.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 08:30:00
"""
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_audit_event_council_actor_seq': ['council_id', 'actor_user_id', 'seq'],
    'ix_audit_event_council_outcome_seq': ['council_id', 'outcome', 'seq'],
    'ix_audit_event_council_tag_seq': ['council_id', 'tag', 'seq'],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'audit_event', columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='audit_event')
