"""Meetings' summaries (議事概要) sealed under a data key of each meeting's own (issue 11, privacy review)

Adds the sealed column and the meeting's wrapped data key. The plaintext column ``summary`` stays for now: the
summaries saved before this revision are sealed into ``summary_enc`` and that column emptied at start-up, after
the migrations (council.meetings.sealing.seal_plaintext_summaries), because the key-encryption keys live in the
instance folder, which migrations do not read. Nothing writes it any more; a later revision drops it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

COLUMNS = (('summary_enc', sa.LargeBinary()), ('wrapped_key', sa.LargeBinary()), ('key_version', sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table('meeting') as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # The sealed summaries cannot be put back in plaintext here (no keys): refuse rather than lose them.
    if op.get_bind().execute(sa.text('SELECT COUNT(*) FROM meeting WHERE summary_enc IS NOT NULL')).scalar():
        raise RuntimeError('meetings hold sealed summaries: open them with the application before downgrading')
    with op.batch_alter_table('meeting') as batch:
        for name, _type in reversed(COLUMNS):
            batch.drop_column(name)
