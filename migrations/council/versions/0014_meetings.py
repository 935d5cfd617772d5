"""Meetings: meetings, participants, agenda items with their decisions, briefs and tasks; the case's key person role
and last review date

New tables, and two nullable columns on case_file.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _fk(table, column, target, ondelete=None):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'),
                                   ondelete=ondelete)


def upgrade() -> None:
    with op.batch_alter_table('case_file') as batch:
        batch.add_column(sa.Column('key_person_role', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('last_review_on', sa.Date(), nullable=True))
    op.create_table(
        'meeting',
        sa.Column('id', _ID, nullable=False),
        sa.Column('council_id', _ID, nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('online', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_by', _ID, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('summary', sa.Text(), nullable=True),
        sa.Column('minutes_approved_by', _ID, nullable=True),
        sa.Column('minutes_approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('checkpoint_seq', sa.BigInteger(), nullable=True),
        sa.Column('checkpoint_hash', sa.String(length=64), nullable=True),
        sa.Column('checkpoint_signed_at', sa.String(length=40), nullable=True),
        sa.Column('checkpoint_signature', sa.String(length=120), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('meeting', 'council_id', 'council'),
        _fk('meeting', 'created_by', 'user_account'),
        _fk('meeting', 'minutes_approved_by', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    )
    op.create_index('ix_meeting_council_starts', 'meeting', ['council_id', 'starts_at'])
    op.create_table(
        'meeting_participant',
        sa.Column('id', _ID, nullable=False),
        sa.Column('meeting_id', _ID, nullable=False),
        sa.Column('user_id', _ID, nullable=True),
        sa.Column('institution_id', _ID, nullable=True),
        sa.Column('attended', sa.Boolean(), nullable=True),
        sa.CheckConstraint('(user_id IS NULL) <> (institution_id IS NULL)',
                           name=op.f('ck_meeting_participant_one_participant')),
        _fk('meeting_participant', 'meeting_id', 'meeting', 'CASCADE'),
        _fk('meeting_participant', 'user_id', 'user_account'),
        _fk('meeting_participant', 'institution_id', 'institution'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_participant')),
        sa.UniqueConstraint('meeting_id', 'user_id', name='uq_meeting_participant_user'),
        sa.UniqueConstraint('meeting_id', 'institution_id', name='uq_meeting_participant_institution'),
    )
    for column in ('meeting_id', 'user_id', 'institution_id'):
        op.create_index(op.f(f'ix_meeting_participant_{column}'), 'meeting_participant', [column])
    op.create_table(
        'meeting_item',
        sa.Column('id', _ID, nullable=False),
        sa.Column('meeting_id', _ID, nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('case_id', _ID, nullable=True),
        sa.Column('topic', sa.String(length=200), nullable=True),
        sa.Column('situation_enc', sa.LargeBinary(), nullable=True),
        sa.Column('risk', sa.String(length=10), nullable=True),
        sa.Column('urgency', sa.String(length=10), nullable=True),
        sa.Column('plan_enc', sa.LargeBinary(), nullable=True),
        sa.Column('lead_institution_id', _ID, nullable=True),
        sa.Column('key_person_role', sa.String(length=20), nullable=True),
        sa.Column('key_person_enc', sa.LargeBinary(), nullable=True),
        sa.Column('next_review_date', sa.Date(), nullable=True),
        sa.Column('minutes_enc', sa.LargeBinary(), nullable=True),
        sa.Column('decided_by', _ID, nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('meeting_item', 'meeting_id', 'meeting', 'CASCADE'),
        _fk('meeting_item', 'case_id', 'case_file', 'CASCADE'),
        _fk('meeting_item', 'lead_institution_id', 'institution'),
        _fk('meeting_item', 'decided_by', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_item')),
        sa.UniqueConstraint('meeting_id', 'case_id', name=op.f('uq_meeting_item_meeting_id')),
    )
    op.create_index(op.f('ix_meeting_item_meeting_id'), 'meeting_item', ['meeting_id'])
    op.create_index(op.f('ix_meeting_item_case_id'), 'meeting_item', ['case_id'])
    op.create_table(
        'meeting_brief',
        sa.Column('id', _ID, nullable=False),
        sa.Column('item_id', _ID, nullable=False),
        sa.Column('meeting_id', _ID, nullable=False),
        sa.Column('case_id', _ID, nullable=False),
        *(sa.Column(f'{name}_enc', sa.LargeBinary(), nullable=True)
          for name in ('initials', 'age_band', 'household', 'situation', 'assessment', 'proposed_plan', 'questions',
                       'personal')),
        sa.Column('prepared_by', _ID, nullable=False),
        sa.Column('prepared_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('meeting_brief', 'item_id', 'meeting_item', 'CASCADE'),
        _fk('meeting_brief', 'meeting_id', 'meeting', 'CASCADE'),
        _fk('meeting_brief', 'case_id', 'case_file', 'CASCADE'),
        _fk('meeting_brief', 'prepared_by', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_brief')),
        sa.UniqueConstraint('item_id', name=op.f('uq_meeting_brief_item_id')),
    )
    op.create_index(op.f('ix_meeting_brief_meeting_id'), 'meeting_brief', ['meeting_id'])
    op.create_index(op.f('ix_meeting_brief_case_id'), 'meeting_brief', ['case_id'])
    op.create_table(
        'meeting_task',
        sa.Column('id', _ID, nullable=False),
        sa.Column('case_id', _ID, nullable=False),
        sa.Column('meeting_id', _ID, nullable=False),
        sa.Column('item_id', _ID, nullable=False),
        sa.Column('institution_id', _ID, nullable=False),
        sa.Column('what_enc', sa.LargeBinary(), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('created_by', _ID, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('completed_by', _ID, nullable=True),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('meeting_task', 'case_id', 'case_file', 'CASCADE'),
        _fk('meeting_task', 'meeting_id', 'meeting', 'CASCADE'),
        _fk('meeting_task', 'item_id', 'meeting_item', 'CASCADE'),
        _fk('meeting_task', 'institution_id', 'institution'),
        _fk('meeting_task', 'created_by', 'user_account'),
        _fk('meeting_task', 'completed_by', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_task')),
    )
    op.create_index(op.f('ix_meeting_task_case_id'), 'meeting_task', ['case_id'])
    op.create_index(op.f('ix_meeting_task_meeting_id'), 'meeting_task', ['meeting_id'])
    op.create_index('ix_meeting_task_institution_open', 'meeting_task',
                    ['institution_id', 'completed_at', 'due_date'])


def downgrade() -> None:
    op.drop_table('meeting_task')
    op.drop_table('meeting_brief')
    op.drop_table('meeting_item')
    op.drop_table('meeting_participant')
    op.drop_table('meeting')
    with op.batch_alter_table('case_file') as batch:
        batch.drop_column('last_review_on')
        batch.drop_column('key_person_role')
