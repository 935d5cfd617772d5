"""Statistics snapshots imported from the council

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:23:35.137133
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statistics_snapshot',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('council_name', sa.String(length=200), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('key_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_snapshot')),
    sa.UniqueConstraint('sha256', name=op.f('uq_statistics_snapshot_sha256'))
    )
    with op.batch_alter_table('statistics_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_snapshot_generated_at'), ['generated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('statistics_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_snapshot_generated_at'))

    op.drop_table('statistics_snapshot')
