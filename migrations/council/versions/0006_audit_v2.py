"""Audit events, version 2: format versions, case columns, the cases a list showed

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
