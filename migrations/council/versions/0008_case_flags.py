"""Case flags: registration as a council case (協議会ケース) and 要配慮 (restricted)

Plain columns on case_file; SQLite adds them in place.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('council_case_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('council_case_by', _ID, nullable=True))
        batch_op.add_column(sa.Column('council_case_basis', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('restricted', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('restricted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('restricted_by', _ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_file_council_case_by_user_account'), 'user_account',
                                    ['council_case_by'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_case_file_restricted_by_user_account'), 'user_account',
                                    ['restricted_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_file_restricted_by_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_case_file_council_case_by_user_account'), type_='foreignkey')
        for column in ('restricted_by', 'restricted_at', 'restricted', 'council_case_basis', 'council_case_by',
                       'council_case_at'):
            batch_op.drop_column(column)
