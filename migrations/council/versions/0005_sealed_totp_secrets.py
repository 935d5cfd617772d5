"""TOTP secrets sealed under an instance key: room for the ciphertext.

The values themselves are sealed at start-up, after the migrations (council.security.sealing), because
the key lives in the instance folder, which migrations do not read.

SQLite does not enforce VARCHAR lengths, and widening the columns there would mean recreating
user_account, which other tables reference with ON DELETE CASCADE: only PostgreSQL is altered (the
model's SealedSecret type declares the old width on SQLite accordingly).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 01:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = [('user_account', 'totp_secret'), ('setup_link', 'pending_totp_secret')]


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, existing_type=sa.String(length=64), type_=sa.String(length=160),
                        existing_nullable=True)


def downgrade() -> None:
    # Sealed values do not fit the old width: PostgreSQL refuses the downgrade rather than cut them.
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, existing_type=sa.String(length=160), type_=sa.String(length=64),
                        existing_nullable=True)
