"""plan spendings: what call-offs take from each line of an approved 采购计划

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_spendings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=False),
        sa.Column("source_type", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("spent_by", sa.Integer(), nullable=False),
        sa.Column("spent_at", sa.DateTime(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("release_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["documents.id"],
                                name=op.f("fk_plan_spendings_plan_id_documents")),
        sa.ForeignKeyConstraint(["spent_by"], ["users.id"],
                                name=op.f("fk_plan_spendings_spent_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_spendings")),
        sa.UniqueConstraint("source_type", "source_id",
                            name=op.f("uq_plan_spendings_source_type")),
    )
    op.create_index(op.f("ix_plan_spendings_plan_id"), "plan_spendings", ["plan_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_spendings_plan_id"), table_name="plan_spendings")
    op.drop_table("plan_spendings")
