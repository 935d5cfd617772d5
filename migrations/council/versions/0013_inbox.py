"""The inbox: items a user was shown (seen/new) and their notification-mail setting

Only new tables; nothing existing is touched.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'inbox_seen',
        sa.Column('user_id', _ID, nullable=False),
        sa.Column('via', sa.String(length=10), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_inbox_seen_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'via', 'key', name=op.f('pk_inbox_seen')),
    )
    op.create_table(
        'inbox_mail_setting',
        sa.Column('user_id', _ID, nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_inbox_mail_setting_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_inbox_mail_setting')),
    )


def downgrade() -> None:
    op.drop_table('inbox_mail_setting')
    op.drop_table('inbox_seen')
