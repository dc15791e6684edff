"""hardening: a session version per user (sign-out revokes sessions on the server) and the
PIN attempt counters of each credential (wrong PINs lock it for a while)

Plain ADD COLUMN with server defaults, no batch: no table is recreated.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("session_version", sa.Integer(), nullable=False,
                                     server_default="0"))
    op.add_column("credentials", sa.Column("pin_failures", sa.Integer(), nullable=False,
                                           server_default="0"))
    op.add_column("credentials", sa.Column("pin_lockouts", sa.Integer(), nullable=False,
                                           server_default="0"))
    op.add_column("credentials", sa.Column("pin_locked_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("pin_locked_until")
        batch.drop_column("pin_lockouts")
        batch.drop_column("pin_failures")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
