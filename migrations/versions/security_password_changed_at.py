"""users.password_changed_at: secrets issued before a password change (calendar feeds) stop working

Revision ID: 5ec0a1d2e3f4
Revises: phone_canvass_receipts
Create Date: 2026-12-02 19:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5ec0a1d2e3f4"
down_revision = "phone_canvass_receipts"  # after the phone's receipts
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
