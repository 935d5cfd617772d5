"""Handoffs: referral (つなぎ), transfer (移管) and their requests

Reserved so that features built side by side keep one line of revisions; filled in by the feature.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 05:00:00
"""


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
