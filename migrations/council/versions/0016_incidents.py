"""The incident register (漏えい等報告): incidents with their own wrapped data key, and the cases each concerns

Only new tables; nothing existing is touched.

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-30 08:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_SEALED = ('summary', 'cause', 'secondary_harm', 'notices', 'publication', 'prevention')


def upgrade() -> None:
    op.create_table(
        'incident',
        sa.Column('id', _ID, nullable=False),
        sa.Column('council_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('state', sa.String(length=30), nullable=False),
        sa.Column('discovered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('situations', sa.String(length=200), nullable=False),
        sa.Column('data_items', sa.String(length=200), nullable=False),
        sa.Column('encryption', sa.String(length=30), nullable=False),
        sa.Column('other_persons', sa.Integer(), nullable=False),
        sa.Column('secondary_harm_risk', sa.Boolean(), nullable=False),
        *[sa.Column(f'{name}_enc', sa.LargeBinary(), nullable=True) for name in _SEALED],
        sa.Column('preliminary_reported_on', sa.Date(), nullable=True),
        sa.Column('final_reported_on', sa.Date(), nullable=True),
        sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
        sa.Column('key_version', sa.Integer(), nullable=True),
        sa.Column('created_by', _ID, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_incident_council_id_council')),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_incident_created_by_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incident')),
    )
    op.create_index(op.f('ix_incident_council_id'), 'incident', ['council_id'], unique=False)
    op.create_table(
        'incident_case',
        sa.Column('incident_id', _ID, nullable=False),
        sa.Column('case_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('case_number', sa.String(length=20), nullable=False),
        sa.Column('added_by', _ID, nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_case_incident_id_incident'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by'], ['user_account.id'],
                                name=op.f('fk_incident_case_added_by_user_account')),
        sa.PrimaryKeyConstraint('incident_id', 'case_id', name=op.f('pk_incident_case')),
    )


def downgrade() -> None:
    op.drop_table('incident_case')
    op.drop_table('incident')
