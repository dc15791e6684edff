"""contract filings: 合同备案 of an order's sealed contract with the regulator

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("regulator_org_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("plan_line", sa.Integer(), nullable=False),
        sa.Column("contract_number", sa.String(length=64), nullable=False),
        sa.Column("contract_name", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("supplier_name", sa.String(length=200), nullable=False),
        sa.Column("supplier_uscc", sa.String(length=18), nullable=False),
        sa.Column("signing_date", sa.Date(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum("submitted", "received", "returned", name="filingstatus",
                    native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_contract_filings_order_id_orders")),
        sa.ForeignKeyConstraint(["contract_id"], ["documents.id"],
                                name=op.f("fk_contract_filings_contract_id_documents")),
        sa.ForeignKeyConstraint(["plan_id"], ["documents.id"],
                                name=op.f("fk_contract_filings_plan_id_documents")),
        sa.ForeignKeyConstraint(["regulator_org_id"], ["organisations.id"],
                                name=op.f("fk_contract_filings_regulator_org_id_organisations")),
        sa.ForeignKeyConstraint(["submitted_by"], ["users.id"],
                                name=op.f("fk_contract_filings_submitted_by_users")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"],
                                name=op.f("fk_contract_filings_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_filings")),
        sa.UniqueConstraint("order_id", name=op.f("uq_contract_filings_order_id")),
    )
    op.create_index(op.f("ix_contract_filings_regulator_org_id"), "contract_filings",
                    ["regulator_org_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_contract_filings_regulator_org_id"), table_name="contract_filings")
    op.drop_table("contract_filings")
