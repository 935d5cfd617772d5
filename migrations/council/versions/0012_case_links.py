"""Links between cases of one household

Reserved so that features built side by side keep one line of revisions; filled in by the feature.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 05:00:00
"""


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
