"""jobs: durable dispatch state on revisions (rendering) and seals (preparing, finishing)

Plain ADD COLUMN, no batch.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _claim_columns(table: str, prefix: str) -> None:
    op.add_column(table, sa.Column(f"{prefix}_attempts", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.add_column(table, sa.Column(f"{prefix}_due_at", sa.DateTime(), nullable=True))
    op.add_column(table, sa.Column(f"{prefix}_worker", sa.String(length=128), nullable=True))
    op.add_column(table, sa.Column(f"{prefix}_started_at", sa.DateTime(), nullable=True))


def upgrade() -> None:
    _claim_columns("revisions", "render")
    _claim_columns("seals", "job")
    op.add_column("seals", sa.Column("step_requested_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    for table, prefix in (("revisions", "render"), ("seals", "job")):
        for column in ("attempts", "due_at", "worker", "started_at"):
            op.drop_column(table, f"{prefix}_{column}")
    op.drop_column("seals", "step_requested_at")
