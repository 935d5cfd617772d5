"""Links between cases of one household, and why a case is 要配慮

A new table (case_link) and one plain column on case_file (restricted_reason, a code); SQLite adds it in place.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restricted_reason', sa.String(length=20), nullable=True))

    op.create_table(
        'case_link',
        sa.Column('id', _ID, nullable=False),
        sa.Column('case_a_id', _ID, nullable=False),
        sa.Column('case_b_id', _ID, nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('created_by', _ID, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_by', _ID, nullable=True),
        sa.Column('end_reason', sa.String(length=20), nullable=True),
        sa.CheckConstraint('case_a_id <> case_b_id', name=op.f('ck_case_link_two_cases')),
        sa.ForeignKeyConstraint(['case_a_id'], ['case_file.id'], name=op.f('fk_case_link_case_a_id_case_file'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['case_b_id'], ['case_file.id'], name=op.f('fk_case_link_case_b_id_case_file'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                                name=op.f('fk_case_link_created_by_user_account')),
        sa.ForeignKeyConstraint(['ended_by'], ['user_account.id'], name=op.f('fk_case_link_ended_by_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_link')),
    )
    op.create_index(op.f('ix_case_link_case_a_id'), 'case_link', ['case_a_id'])
    op.create_index(op.f('ix_case_link_case_b_id'), 'case_link', ['case_b_id'])


def downgrade() -> None:
    op.drop_table('case_link')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('restricted_reason')
