"""Case list indexes: the newest intakes of an institution or council, read in index order.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:07:58.697787
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_file_council_intake', ['council_id', 'intake_date', 'id'], unique=False)
        batch_op.create_index('ix_case_file_institution_intake', ['lead_institution_id', 'intake_date', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_file_institution_intake')
        batch_op.drop_index('ix_case_file_council_intake')

