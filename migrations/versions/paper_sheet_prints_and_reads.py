"""sheet prints, knocks read from paper, paper reads

Revision ID: paper_sheet_prints
Revises: 5ec0a1d2e3f4
Create Date: 2026-12-02 19:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = "paper_sheet_prints"
down_revision = "5ec0a1d2e3f4"  # after security
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sheet_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("turf_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["turf_id"], ["turfs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("sheet_prints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sheet_prints_turf_id"), ["turf_id"], unique=False)
    op.create_table(
        "paper_knocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("print_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("knock_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["knock_id"], ["door_knocks.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["print_id"], ["sheet_prints.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("print_id", "household_id", "row", name="uq_paper_knocks_print_door_row"),
    )
    with op.batch_alter_table("paper_knocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_knocks_household_id"), ["household_id"], unique=False)
    op.create_table(
        "paper_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("turf_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["turf_id"], ["turfs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("paper_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_reads_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_paper_reads_turf_id"), ["turf_id"], unique=False)


def downgrade():
    with op.batch_alter_table("paper_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_reads_turf_id"))
        batch_op.drop_index(batch_op.f("ix_paper_reads_created_by_id"))
    op.drop_table("paper_reads")
    with op.batch_alter_table("paper_knocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_knocks_household_id"))
    op.drop_table("paper_knocks")
    with op.batch_alter_table("sheet_prints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sheet_prints_turf_id"))
    op.drop_table("sheet_prints")
