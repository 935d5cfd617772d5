"""The auditor's reviews: one row per reviewed audit event, beside the append-only log (issue 12)

The log itself is never updated: a review is a row here (event, reviewer, comment, time) and an audit event of
its own. A new table only; nothing existing changes.

Revision ID: 0020
Revises: 0017
Create Date: 2026-11-30 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'audit_review',
        sa.Column('id', _ID, nullable=False),
        sa.Column('council_id', _ID, nullable=False),
        sa.Column('event_seq', sa.BigInteger(), nullable=False),
        sa.Column('reviewer_id', _ID, nullable=False),
        sa.Column('source', sa.String(length=60), nullable=False),
        sa.Column('comment', sa.String(length=500), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_audit_review_council_id_council')),
        sa.ForeignKeyConstraint(['event_seq'], ['audit_event.seq'],
                                name=op.f('fk_audit_review_event_seq_audit_event')),
        sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'],
                                name=op.f('fk_audit_review_reviewer_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_review')),
    )
    op.create_index('ix_audit_review_council_event', 'audit_review', ['council_id', 'event_seq'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_audit_review_council_event', table_name='audit_review')
    op.drop_table('audit_review')
