"""Handoffs: referral (つなぎ), transfer (移管) and their requests

One new table; nothing existing changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'handoff',
        sa.Column('id', _ID, nullable=False),
        sa.Column('case_id', _ID, nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('sender_institution_id', _ID, nullable=False),
        sa.Column('sender_user_id', _ID, nullable=False),
        sa.Column('receiver_institution_id', _ID, nullable=False),
        sa.Column('receiver_user_id', _ID, nullable=True),
        sa.Column('scope', sa.String(length=20), nullable=True),
        sa.Column('legal_basis', sa.String(length=20), nullable=True),
        sa.Column('consent_id', _ID, nullable=True),
        sa.Column('emergency', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('message_enc', sa.LargeBinary(), nullable=True),
        sa.Column('emergency_reason_enc', sa.LargeBinary(), nullable=True),
        sa.Column('respond_by', sa.DateTime(timezone=True), nullable=False),
        sa.Column('needs_approval', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('approved_by', _ID, nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by', _ID, nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decline_reason_enc', sa.LargeBinary(), nullable=True),
        sa.Column('ended_by', _ID, nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('end_reason_enc', sa.LargeBinary(), nullable=True),
        sa.Column('pending_grant_id', _ID, nullable=True),
        sa.Column('grant_id', _ID, nullable=True),
        sa.Column('answers_id', _ID, nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_handoff_case_id_case_file'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sender_institution_id'], ['institution.id'], name=op.f('fk_handoff_sender_institution_id_institution')),
        sa.ForeignKeyConstraint(['sender_user_id'], ['user_account.id'], name=op.f('fk_handoff_sender_user_id_user_account')),
        sa.ForeignKeyConstraint(['receiver_institution_id'], ['institution.id'], name=op.f('fk_handoff_receiver_institution_id_institution')),
        sa.ForeignKeyConstraint(['receiver_user_id'], ['user_account.id'], name=op.f('fk_handoff_receiver_user_id_user_account')),
        sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_handoff_consent_id_consent'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['approved_by'], ['user_account.id'], name=op.f('fk_handoff_approved_by_user_account')),
        sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_handoff_decided_by_user_account')),
        sa.ForeignKeyConstraint(['ended_by'], ['user_account.id'], name=op.f('fk_handoff_ended_by_user_account')),
        sa.ForeignKeyConstraint(['pending_grant_id'], ['case_grant.id'], name=op.f('fk_handoff_pending_grant_id_case_grant')),
        sa.ForeignKeyConstraint(['grant_id'], ['case_grant.id'], name=op.f('fk_handoff_grant_id_case_grant')),
        sa.ForeignKeyConstraint(['answers_id'], ['handoff.id'], name=op.f('fk_handoff_answers_id_handoff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff')),
    )
    op.create_index(op.f('ix_handoff_case_id'), 'handoff', ['case_id'])
    op.create_index(op.f('ix_handoff_respond_by'), 'handoff', ['respond_by'])
    op.create_index('ix_handoff_receiver_state', 'handoff', ['receiver_institution_id', 'state'])
    op.create_index('ix_handoff_sender_state', 'handoff', ['sender_institution_id', 'state'])


def downgrade() -> None:
    op.drop_index('ix_handoff_sender_state', table_name='handoff')
    op.drop_index('ix_handoff_receiver_state', table_name='handoff')
    op.drop_index(op.f('ix_handoff_respond_by'), table_name='handoff')
    op.drop_index(op.f('ix_handoff_case_id'), table_name='handoff')
    op.drop_table('handoff')
