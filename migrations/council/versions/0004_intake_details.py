"""Intake details: how the case came and who made contact, who gave consent, removable persons and attachments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 01:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
