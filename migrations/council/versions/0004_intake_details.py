"""Intake details: how the case came and who made contact, who gave consent, removable persons and attachments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 01:00:00

Only plain columns are added to case_file and consent (SQLite adds them in place). person and attachment gain a
foreign key, and attachment's content becomes nullable (a removed file's ciphertext is deleted): on SQLite batch
mode copies those two tables, which nothing else references.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('contact_person_enc', sa.LargeBinary(), nullable=True))

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_by', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('representative_relationship_enc', sa.LargeBinary(), nullable=True))

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_by', _ID, nullable=True))
        batch_op.add_column(sa.Column('delete_reason_enc', sa.LargeBinary(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_person_deleted_by_user_account'), 'user_account',
                                    ['deleted_by'], ['id'])

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_by', _ID, nullable=True))
        batch_op.add_column(sa.Column('delete_reason_enc', sa.LargeBinary(), nullable=True))
        batch_op.alter_column('content_enc', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_deleted_by_user_account'), 'user_account',
                                    ['deleted_by'], ['id'])


def downgrade() -> None:
    # Tombstones mean nothing to the older schema: a removed attachment has no content for its NOT NULL column,
    # and a removed person would come back as a nameless household member.
    op.execute("DELETE FROM attachment WHERE content_enc IS NULL")
    op.execute("DELETE FROM person WHERE deleted_at IS NOT NULL")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachment_deleted_by_user_account'), type_='foreignkey')
        batch_op.alter_column('content_enc', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('delete_reason_enc')
        batch_op.drop_column('deleted_by')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_person_deleted_by_user_account'), type_='foreignkey')
        batch_op.drop_column('delete_reason_enc')
        batch_op.drop_column('deleted_by')
        batch_op.drop_column('deleted_at')

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('representative_relationship_enc')
        batch_op.drop_column('given_by')

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('contact_person_enc')
        batch_op.drop_column('referral_source')
