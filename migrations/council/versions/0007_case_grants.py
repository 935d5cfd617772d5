"""Case grants: shares of one case with an institution or a user, with scope, basis and validity

Also consent that can carry a share: the member institutions a consent names (consent_recipient) and its
purpose code. Only new tables and one plain column (SQLite adds it in place); nothing existing is copied.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose_code', sa.String(length=30), nullable=True))

    op.create_table(
        'consent_recipient',
        sa.Column('consent_id', _ID, nullable=False),
        sa.Column('institution_id', _ID, nullable=False),
        sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_consent_recipient_consent_id_consent'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['institution_id'], ['institution.id'],
                                name=op.f('fk_consent_recipient_institution_id_institution')),
        sa.PrimaryKeyConstraint('consent_id', 'institution_id', name=op.f('pk_consent_recipient')),
    )
    op.create_index(op.f('ix_consent_recipient_institution_id'), 'consent_recipient', ['institution_id'])

    op.create_table(
        'case_grant',
        sa.Column('id', _ID, nullable=False),
        sa.Column('case_id', _ID, nullable=False),
        sa.Column('institution_id', _ID, nullable=True),
        sa.Column('user_id', _ID, nullable=True),
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column('basis', sa.String(length=40), nullable=False),
        sa.Column('legal_basis', sa.String(length=20), nullable=False),
        sa.Column('consent_id', _ID, nullable=True),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_by', _ID, nullable=True),
        sa.Column('end_reason', sa.String(length=100), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', _ID, nullable=False),
        sa.CheckConstraint('(institution_id IS NULL) <> (user_id IS NULL)', name=op.f('ck_case_grant_one_principal')),
        sa.CheckConstraint("(legal_basis = 'consent') = (consent_id IS NOT NULL)",
                           name=op.f('ck_case_grant_consent_named')),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_grant_case_id_case_file'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_case_grant_consent_id_consent'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                                name=op.f('fk_case_grant_created_by_user_account')),
        sa.ForeignKeyConstraint(['ended_by'], ['user_account.id'], name=op.f('fk_case_grant_ended_by_user_account')),
        sa.ForeignKeyConstraint(['institution_id'], ['institution.id'],
                                name=op.f('fk_case_grant_institution_id_institution')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_case_grant_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_grant')),
    )
    op.create_index(op.f('ix_case_grant_case_id'), 'case_grant', ['case_id'])
    op.create_index(op.f('ix_case_grant_consent_id'), 'case_grant', ['consent_id'])
    op.create_index(op.f('ix_case_grant_expires_at'), 'case_grant', ['expires_at'])
    op.create_index('ix_case_grant_institution_case', 'case_grant', ['institution_id', 'case_id'])
    op.create_index('ix_case_grant_user_case', 'case_grant', ['user_id', 'case_id'])


def downgrade() -> None:
    op.drop_table('case_grant')
    op.drop_table('consent_recipient')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('purpose_code')
