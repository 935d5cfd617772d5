"""The progress ledger at 100,000 cases: a stored, indexed next-review date on each case (issue 11)

The ledger sorted by the next review computed the date per case in SQL (3.4 s a page at 100k cases): no index could
serve it. ``case_file.next_review_due`` stores it (``council.cases.reviews``: the case's own date, else its risk's
cadence from its last review, its registration's Japan date or its intake), indexed with the council. Existing rows
are filled here with the default cadence (3 months for every risk); a deployment whose REVIEW_CADENCE_MONTHS says
otherwise gets its own dates at the app's next start (``reviews.refresh_stored``), so the SQL here never has to read
the app's settings.

Revision ID: 0019
Revises: 0017
Create Date: 2026-11-30 12:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEX = 'ix_case_file_council_review_due'

# The rule with a 3-month cadence, per dialect: the registration's Japan date (stored in UTC; Japan has no daylight
# saving), and calendar months whose 31st becomes the last day of a shorter month.
BACKFILL = {
    'sqlite': """
        UPDATE case_file SET next_review_due = coalesce(next_review_date, min(
            date(coalesce(last_review_on, date(council_case_at, '+9 hours'), intake_date), '+3 months'),
            date(coalesce(last_review_on, date(council_case_at, '+9 hours'), intake_date),
                 'start of month', '+4 months', '-1 day')))
    """,
    'postgresql': """
        UPDATE case_file SET next_review_due = coalesce(next_review_date, CAST(
            coalesce(last_review_on, CAST(council_case_at AT TIME ZONE 'Asia/Tokyo' AS DATE), intake_date)
            + make_interval(months => 3) AS DATE))
    """,
}


def upgrade() -> None:
    with op.batch_alter_table('case_file') as batch:
        batch.add_column(sa.Column('next_review_due', sa.Date(), nullable=True))
    op.execute(BACKFILL[op.get_bind().dialect.name])
    op.create_index(INDEX, 'case_file', ['council_id', 'next_review_due', 'id'])


def downgrade() -> None:
    op.drop_index(INDEX, table_name='case_file')
    with op.batch_alter_table('case_file') as batch:
        batch.drop_column('next_review_due')
