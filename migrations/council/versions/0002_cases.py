"""Cases: case files, status history, categories, numbering, assignments, persons, support records, consent, plans, attachments; institution contact and opt-in.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:12:59.681139
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_number_counter',
    sa.Column('council_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_case_number_counter_council_id_council')),
    sa.PrimaryKeyConstraint('council_id', 'year', name=op.f('pk_case_number_counter'))
    )
    op.create_table('case_file',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('council_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lead_institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('risk', sa.String(length=10), nullable=False),
    sa.Column('intake_date', sa.Date(), nullable=False),
    sa.Column('next_review_date', sa.Date(), nullable=True),
    sa.Column('last_contact_date', sa.Date(), nullable=True),
    sa.Column('key_person_enc', sa.LargeBinary(), nullable=True),
    sa.Column('closure_reason_enc', sa.LargeBinary(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('purge_after', sa.Date(), nullable=True),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
    sa.Column('key_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_case_file_council_id_council')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_case_file_created_by_user_account')),
    sa.ForeignKeyConstraint(['lead_institution_id'], ['institution.id'], name=op.f('fk_case_file_lead_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_file')),
    sa.UniqueConstraint('council_id', 'number', name=op.f('uq_case_file_council_id'))
    )
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_file_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_lead_institution_id'), ['lead_institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_next_review_date'), ['next_review_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_purge_after'), ['purge_after'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_status'), ['status'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('filename_enc', sa.LargeBinary(), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_enc', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_attachment_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user_account.id'], name=op.f('fk_attachment_uploaded_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_case_id'), ['case_id'], unique=False)

    op.create_table('case_assignment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_assignment_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_case_assignment_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignment')),
    sa.UniqueConstraint('case_id', 'user_id', name=op.f('uq_case_assignment_case_id'))
    )
    with op.batch_alter_table('case_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_assignment_user_id'), ['user_id'], unique=False)

    op.create_table('case_category',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_category_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_category')),
    sa.UniqueConstraint('case_id', 'category', name=op.f('uq_case_category_case_id'))
    )
    with op.batch_alter_table('case_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_category_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_category_category'), ['category'], unique=False)

    op.create_table('case_plan',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('assessment_enc', sa.LargeBinary(), nullable=True),
    sa.Column('plan_enc', sa.LargeBinary(), nullable=True),
    sa.Column('goals_enc', sa.LargeBinary(), nullable=True),
    sa.Column('written_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_plan_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['written_by'], ['user_account.id'], name=op.f('fk_case_plan_written_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_plan')),
    sa.UniqueConstraint('case_id', 'version', name=op.f('uq_case_plan_case_id'))
    )
    with op.batch_alter_table('case_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_plan_case_id'), ['case_id'], unique=False)

    op.create_table('case_status_change',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason_enc', sa.LargeBinary(), nullable=True),
    sa.Column('changed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_status_change_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by'], ['user_account.id'], name=op.f('fk_case_status_change_changed_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_status_change'))
    )
    with op.batch_alter_table('case_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_status_change_case_id'), ['case_id'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('purpose_enc', sa.LargeBinary(), nullable=True),
    sa.Column('recipients_enc', sa.LargeBinary(), nullable=True),
    sa.Column('scope_enc', sa.LargeBinary(), nullable=True),
    sa.Column('obtained_on', sa.Date(), nullable=True),
    sa.Column('obtained_how', sa.String(length=20), nullable=True),
    sa.Column('obtained_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_consent_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['obtained_by'], ['user_account.id'], name=op.f('fk_consent_obtained_by_user_account')),
    sa.ForeignKeyConstraint(['withdrawn_by'], ['user_account.id'], name=op.f('fk_consent_withdrawn_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_case_id'), ['case_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('relationship_kind', sa.String(length=20), nullable=False),
    sa.Column('relationship_enc', sa.LargeBinary(), nullable=True),
    sa.Column('name_enc', sa.LargeBinary(), nullable=True),
    sa.Column('kana_enc', sa.LargeBinary(), nullable=True),
    sa.Column('birth_date_enc', sa.LargeBinary(), nullable=True),
    sa.Column('sex_enc', sa.LargeBinary(), nullable=True),
    sa.Column('address_enc', sa.LargeBinary(), nullable=True),
    sa.Column('phone_enc', sa.LargeBinary(), nullable=True),
    sa.Column('notes_enc', sa.LargeBinary(), nullable=True),
    sa.Column('name_kana_index', sa.String(length=32), nullable=True),
    sa.Column('name_kanji_index', sa.String(length=32), nullable=True),
    sa.Column('surname_kana_birth_index', sa.String(length=32), nullable=True),
    sa.Column('phone_index', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_person_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_kana_index'), ['name_kana_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_kanji_index'), ['name_kanji_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_phone_index'), ['phone_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_surname_kana_birth_index'), ['surname_kana_birth_index'], unique=False)

    op.create_table('support_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('body_enc', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('delete_reason_enc', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_support_record_author_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_support_record_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deleted_by'], ['user_account.id'], name=op.f('fk_support_record_deleted_by_user_account')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_support_record_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_record'))
    )
    with op.batch_alter_table('support_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_record_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_record_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('support_record_revision',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body_enc', sa.LargeBinary(), nullable=True),
    sa.Column('replaced_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_support_record_revision_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['support_record.id'], name=op.f('fk_support_record_revision_record_id_support_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by'], ['user_account.id'], name=op.f('fk_support_record_revision_replaced_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_record_revision'))
    )
    with op.batch_alter_table('support_record_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_record_revision_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_record_revision_record_id'), ['record_id'], unique=False)

    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('caseworkers_see_all', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_column('caseworkers_see_all')
        batch_op.drop_column('contact')

    with op.batch_alter_table('support_record_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_record_revision_record_id'))
        batch_op.drop_index(batch_op.f('ix_support_record_revision_case_id'))

    op.drop_table('support_record_revision')
    with op.batch_alter_table('support_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_record_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_support_record_case_id'))

    op.drop_table('support_record')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_surname_kana_birth_index'))
        batch_op.drop_index(batch_op.f('ix_person_phone_index'))
        batch_op.drop_index(batch_op.f('ix_person_name_kanji_index'))
        batch_op.drop_index(batch_op.f('ix_person_name_kana_index'))
        batch_op.drop_index(batch_op.f('ix_person_case_id'))

    op.drop_table('person')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_case_id'))

    op.drop_table('consent')
    with op.batch_alter_table('case_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_status_change_case_id'))

    op.drop_table('case_status_change')
    with op.batch_alter_table('case_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_plan_case_id'))

    op.drop_table('case_plan')
    with op.batch_alter_table('case_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_category_category'))
        batch_op.drop_index(batch_op.f('ix_case_category_case_id'))

    op.drop_table('case_category')
    with op.batch_alter_table('case_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_case_assignment_case_id'))

    op.drop_table('case_assignment')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_case_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_file_status'))
        batch_op.drop_index(batch_op.f('ix_case_file_purge_after'))
        batch_op.drop_index(batch_op.f('ix_case_file_next_review_date'))
        batch_op.drop_index(batch_op.f('ix_case_file_lead_institution_id'))
        batch_op.drop_index(batch_op.f('ix_case_file_council_id'))

    op.drop_table('case_file')
    op.drop_table('case_number_counter')
