"""Information requests (情報提供依頼, Act Art. 16)

One new table; the question, the answer and every reason are sealed under the case's key.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'information_request',
        sa.Column('id', _ID, nullable=False),
        sa.Column('case_id', _ID, nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('origin', sa.String(length=20), nullable=False),
        sa.Column('from_institution_id', _ID, nullable=False),
        sa.Column('to_institution_id', _ID, nullable=False),
        sa.Column('sent_by', _ID, nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('legal_basis', sa.String(length=20), nullable=True),
        sa.Column('consent_id', _ID, nullable=True),
        sa.Column('emergency_reason_enc', sa.LargeBinary(), nullable=True),
        sa.Column('question_enc', sa.LargeBinary(), nullable=True),
        sa.Column('grant_id', _ID, nullable=True),
        sa.Column('answer_enc', sa.LargeBinary(), nullable=True),
        sa.Column('answer_record_id', _ID, nullable=True),
        sa.Column('decline_reason_enc', sa.LargeBinary(), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by', _ID, nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_information_request_case_id_case_file'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['from_institution_id'], ['institution.id'],
                                name=op.f('fk_information_request_from_institution_id_institution')),
        sa.ForeignKeyConstraint(['to_institution_id'], ['institution.id'],
                                name=op.f('fk_information_request_to_institution_id_institution')),
        sa.ForeignKeyConstraint(['sent_by'], ['user_account.id'],
                                name=op.f('fk_information_request_sent_by_user_account')),
        sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_information_request_consent_id_consent'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['grant_id'], ['case_grant.id'],
                                name=op.f('fk_information_request_grant_id_case_grant')),
        sa.ForeignKeyConstraint(['answer_record_id'], ['support_record.id'],
                                name=op.f('fk_information_request_answer_record_id_support_record')),
        sa.ForeignKeyConstraint(['closed_by'], ['user_account.id'],
                                name=op.f('fk_information_request_closed_by_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_information_request')),
    )
    op.create_index(op.f('ix_information_request_case_id'), 'information_request', ['case_id'])
    op.create_index(op.f('ix_information_request_due_on'), 'information_request', ['due_on'])
    op.create_index('ix_information_request_to_state', 'information_request', ['to_institution_id', 'state'])
    op.create_index('ix_information_request_from_state', 'information_request', ['from_institution_id', 'state'])


def downgrade() -> None:
    op.drop_table('information_request')
