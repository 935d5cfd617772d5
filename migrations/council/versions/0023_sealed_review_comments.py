"""The auditor's review comments sealed under a data key of each review's own, an edit path with a version; the
verification runs remember their council's count and the result of each checkpoint (issue 12, walkthrough)

Adds the sealed comment and the review's wrapped data key, makes the plaintext ``comment`` nullable (comments saved
before this revision are sealed into ``comment_enc`` and that column emptied at start-up, after the migrations:
council.audit.reviews.sealing, since the key-encryption keys live in the instance folder, which migrations do not
read), and who last corrected a comment and when. A verification run keeps the count of its council's events
(what an auditor of that council may know) and what it found as JSON (the chain's problem code, each checkpoint's
result: sequence numbers, times, codes).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
REVIEW_COLUMNS = (('comment_enc', sa.LargeBinary()), ('wrapped_key', sa.LargeBinary()), ('key_version', sa.Integer()),
                  ('edited_at', sa.DateTime(timezone=True)), ('edited_by', _ID))
RUN_COLUMNS = (('council_events', sa.BigInteger()), ('findings', sa.Text()))


def upgrade() -> None:
    with op.batch_alter_table('audit_review') as batch:
        for name, type_ in REVIEW_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch.alter_column('comment', existing_type=sa.String(length=500), nullable=True)
        batch.create_foreign_key(op.f('fk_audit_review_edited_by_user_account'), 'user_account', ['edited_by'],
                                 ['id'])
    with op.batch_alter_table('audit_verification') as batch:
        for name, type_ in RUN_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # The sealed comments cannot be put back in plaintext here (no keys): refuse rather than lose them.
    if op.get_bind().execute(sa.text('SELECT COUNT(*) FROM audit_review WHERE comment_enc IS NOT NULL')).scalar():
        raise RuntimeError('audit reviews hold sealed comments: open them with the application before downgrading')
    with op.batch_alter_table('audit_verification') as batch:
        for name, _type in reversed(RUN_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table('audit_review') as batch:
        batch.drop_constraint(op.f('fk_audit_review_edited_by_user_account'), type_='foreignkey')
        batch.alter_column('comment', existing_type=sa.String(length=500), nullable=False)
        batch.drop_column('version')
        for name, _type in reversed(REVIEW_COLUMNS):
            batch.drop_column(name)
