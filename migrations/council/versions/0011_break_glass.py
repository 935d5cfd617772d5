"""Break-glass (緊急アクセス)

Reserved so that features built side by side keep one line of revisions; filled in by the feature.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 05:00:00
"""


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
