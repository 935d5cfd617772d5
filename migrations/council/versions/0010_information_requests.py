"""Information requests (情報提供依頼, Act Art. 16)

Reserved so that features built side by side keep one line of revisions; filled in by the feature.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 05:00:00
"""


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
