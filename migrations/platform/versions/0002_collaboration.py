"""Platform collaboration: organisations, places and their dates, projects, the board, resources, windows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:26:09.451111
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('board_topic',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_topic'))
    )
    op.create_table('consultation_window',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('operator', sa.String(length=200), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('hours', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_window'))
    )
    op.create_table('organisation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('area', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('public_contact', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    op.create_table('organisation_application',
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_application_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_organisation_application')),
    sa.UniqueConstraint('username', name=op.f('uq_organisation_application_username'))
    )
    op.create_table('organisation_field',
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_field_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'field', name=op.f('pk_organisation_field'))
    )
    with op.batch_alter_table('organisation_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_field_field'), ['field'], unique=False)

    op.create_table('place',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('area', sa.String(length=100), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('schedule', sa.Text(), nullable=False),
    sa.Column('audience', sa.Text(), nullable=False),
    sa.Column('how_to_join', sa.Text(), nullable=False),
    sa.Column('cost', sa.String(length=200), nullable=False),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_place_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place'))
    )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_area'), ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('board_thread',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('topic_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_post_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['platform_user.id'], name=op.f('fk_board_thread_author_id_platform_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_board_thread_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['board_topic.id'], name=op.f('fk_board_thread_topic_id_board_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_thread'))
    )
    with op.batch_alter_table('board_thread', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_thread_last_post_at'), ['last_post_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_thread_topic_id'), ['topic_id'], unique=False)

    op.create_table('place_field',
    sa.Column('place_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_place_field_place_id_place'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('place_id', 'field', name=op.f('pk_place_field'))
    )
    with op.batch_alter_table('place_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_field_field'), ['field'], unique=False)

    op.create_table('place_session',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('place_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_place_session_place_id_place'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_session'))
    )
    with op.batch_alter_table('place_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_session_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_session_starts_at'), ['starts_at'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lead_organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['platform_user.id'], name=op.f('fk_project_created_by_id_platform_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_organisation_id'], ['organisation.id'], name=op.f('fk_project_lead_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_lead_organisation_id'), ['lead_organisation_id'], unique=False)

    op.create_table('resource',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('file_type', sa.String(length=100), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('file_content', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['platform_user.id'], name=op.f('fk_resource_author_id_platform_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_resource_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource'))
    )
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('board_post',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['platform_user.id'], name=op.f('fk_board_post_author_id_platform_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['platform_user.id'], name=op.f('fk_board_post_hidden_by_id_platform_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_board_post_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['board_thread.id'], name=op.f('fk_board_post_thread_id_board_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_post'))
    )
    with op.batch_alter_table('board_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_post_thread_id'), ['thread_id'], unique=False)

    op.create_table('project_partner',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_project_partner_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_partner_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'organisation_id', name=op.f('pk_project_partner'))
    )
    with op.batch_alter_table('project_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_partner_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('project_update',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['platform_user.id'], name=op.f('fk_project_update_author_id_platform_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_project_update_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_update_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_update'))
    )
    with op.batch_alter_table('project_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_update_project_id'), ['project_id'], unique=False)

    op.create_table('board_post_report',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('post_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reporter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['board_post.id'], name=op.f('fk_board_post_report_post_id_board_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['platform_user.id'], name=op.f('fk_board_post_report_reporter_id_platform_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['platform_user.id'], name=op.f('fk_board_post_report_resolved_by_id_platform_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_post_report'))
    )
    with op.batch_alter_table('board_post_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_post_report_post_id'), ['post_id'], unique=False)

    with op.batch_alter_table('platform_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_platform_user_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_platform_user_organisation_id_organisation'), 'organisation', ['organisation_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('platform_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_platform_user_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_platform_user_organisation_id'))
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('board_post_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_post_report_post_id'))

    op.drop_table('board_post_report')
    with op.batch_alter_table('project_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_update_project_id'))

    op.drop_table('project_update')
    with op.batch_alter_table('project_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_partner_organisation_id'))

    op.drop_table('project_partner')
    with op.batch_alter_table('board_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_post_thread_id'))

    op.drop_table('board_post')
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_organisation_id'))

    op.drop_table('resource')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_lead_organisation_id'))

    op.drop_table('project')
    with op.batch_alter_table('place_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_session_starts_at'))
        batch_op.drop_index(batch_op.f('ix_place_session_place_id'))

    op.drop_table('place_session')
    with op.batch_alter_table('place_field', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_field_field'))

    op.drop_table('place_field')
    with op.batch_alter_table('board_thread', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_thread_topic_id'))
        batch_op.drop_index(batch_op.f('ix_board_thread_last_post_at'))

    op.drop_table('board_thread')
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_place_area'))

    op.drop_table('place')
    with op.batch_alter_table('organisation_field', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_field_field'))

    op.drop_table('organisation_field')
    op.drop_table('organisation_application')
    op.drop_table('organisation')
    op.drop_table('consultation_window')
    op.drop_table('board_topic')
