"""The runs of the audit chain verification, for the auditor's workspace's "last verification" (issue 12)

Only a new table; nothing existing is touched.

Revision ID: 0021
Revises: 0017
Create Date: 2026-11-30 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'audit_verification',
        sa.Column('id', _ID, nullable=False),
        sa.Column('council_id', _ID, nullable=True),
        sa.Column('actor_user_id', _ID, nullable=True),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('events_checked', sa.BigInteger(), nullable=False),
        sa.Column('intact', sa.Boolean(), nullable=False),
        sa.Column('first_bad_seq', sa.BigInteger(), nullable=True),
        sa.Column('checkpoints_checked', sa.Integer(), nullable=False),
        sa.Column('checkpoints_failed', sa.Integer(), nullable=False),
        sa.Column('event_seq', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_audit_verification_council_id_council')),
        sa.ForeignKeyConstraint(['actor_user_id'], ['user_account.id'],
                                name=op.f('fk_audit_verification_actor_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verification')),
    )
    op.create_index('ix_audit_verification_council_started', 'audit_verification', ['council_id', 'started_at'])


def downgrade() -> None:
    op.drop_index('ix_audit_verification_council_started', table_name='audit_verification')
    op.drop_table('audit_verification')
