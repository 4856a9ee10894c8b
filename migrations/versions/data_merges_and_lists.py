"""data: merges that can be undone, purpose of keeping a resident's data, saved searches

Revision ID: data_merges_and_lists
Revises: paper_sheet_prints
Create Date: 2026-12-02 19:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'data_merges_and_lists'
down_revision = 'paper_sheet_prints'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=200), nullable=True))
    op.create_table(
        'resident_merges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('keep_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_resident_merges_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['keep_id'], ['residents.id'], name=op.f('fk_resident_merges_keep_id_residents'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_merges')),
    )
    with op.batch_alter_table('resident_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_merges_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_merges_keep_id'), ['keep_id'], unique=False)
    op.create_table(
        'saved_searches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('shared', sa.Boolean(), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_saved_searches_owner_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches')),
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_owner_id'))
    op.drop_table('saved_searches')
    with op.batch_alter_table('resident_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_merges_keep_id'))
        batch_op.drop_index(batch_op.f('ix_resident_merges_created_at'))
    op.drop_table('resident_merges')
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_column('purpose')
