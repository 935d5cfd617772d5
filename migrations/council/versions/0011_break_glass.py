"""Break-glass (緊急アクセス): one row per emergency opening of a case, with its grant and its review

A new table only; nothing existing changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _user(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ['user_account.id'], name=op.f(f'fk_break_glass_{column}_user_account'))


def upgrade() -> None:
    op.create_table(
        'break_glass',
        sa.Column('id', _ID, nullable=False),
        sa.Column('case_id', _ID, nullable=False),
        sa.Column('council_id', _ID, nullable=False),
        sa.Column('user_id', _ID, nullable=False),
        sa.Column('institution_id', _ID, nullable=False),
        sa.Column('lead_institution_id', _ID, nullable=False),
        sa.Column('risk', sa.String(length=20), nullable=False),
        sa.Column('reason_enc', sa.LargeBinary(), nullable=True),
        sa.Column('restricted', sa.Boolean(), nullable=False),
        sa.Column('via', sa.String(length=20), nullable=False),
        sa.Column('grant_id', _ID, nullable=True),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('acknowledged_by', _ID, nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reviewed_by', _ID, nullable=True),
        sa.Column('review_outcome', sa.String(length=20), nullable=True),
        sa.Column('review_note', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_break_glass_case_id_case_file'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_break_glass_council_id_council')),
        sa.ForeignKeyConstraint(['grant_id'], ['case_grant.id'], name=op.f('fk_break_glass_grant_id_case_grant')),
        sa.ForeignKeyConstraint(['institution_id'], ['institution.id'],
                                name=op.f('fk_break_glass_institution_id_institution')),
        sa.ForeignKeyConstraint(['lead_institution_id'], ['institution.id'],
                                name=op.f('fk_break_glass_lead_institution_id_institution')),
        _user('user_id'), _user('acknowledged_by'), _user('reviewed_by'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_break_glass')),
    )
    op.create_index(op.f('ix_break_glass_case_id'), 'break_glass', ['case_id'])
    op.create_index(op.f('ix_break_glass_user_id'), 'break_glass', ['user_id'])
    op.create_index('ix_break_glass_council_reviewed_opened', 'break_glass',
                    ['council_id', 'reviewed_at', 'opened_at'])


def downgrade() -> None:
    op.drop_table('break_glass')
