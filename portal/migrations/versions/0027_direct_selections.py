"""direct selections: 直接选定 of a service, quoted by its shortlisted supplier

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "direct_selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("purchaser_org_id", sa.Integer(), nullable=False),
        sa.Column("seller_org_id", sa.Integer(), nullable=False),
        sa.Column("shortlisted_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("plan_line", sa.Integer(), nullable=False),
        sa.Column("requirement", sa.String(length=2000), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("cap_price", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("contact", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("office_phone", sa.String(length=32), nullable=False),
        sa.Column("delivery_address", sa.String(length=256), nullable=False),
        sa.Column(
            "status",
            sa.Enum("quoting", "to_confirm", "succeeded", "ended", name="selectionstatus",
                    native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("quote_price", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("quote_note", sa.String(length=500), nullable=True),
        sa.Column("quoted_at", sa.DateTime(), nullable=True),
        sa.Column("quoted_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["purchaser_org_id"], ["organisations.id"],
                                name=op.f("fk_direct_selections_purchaser_org_id_organisations")),
        sa.ForeignKeyConstraint(["seller_org_id"], ["organisations.id"],
                                name=op.f("fk_direct_selections_seller_org_id_organisations")),
        sa.ForeignKeyConstraint(
            ["shortlisted_id"], ["shortlisted_suppliers.id"],
            name=op.f("fk_direct_selections_shortlisted_id_shortlisted_suppliers")),
        sa.ForeignKeyConstraint(["plan_id"], ["documents.id"],
                                name=op.f("fk_direct_selections_plan_id_documents")),
        sa.ForeignKeyConstraint(["quoted_by"], ["users.id"],
                                name=op.f("fk_direct_selections_quoted_by_users")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"],
                                name=op.f("fk_direct_selections_decided_by_users")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_direct_selections_order_id_orders")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_direct_selections_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_direct_selections")),
        sa.UniqueConstraint("number", name=op.f("uq_direct_selections_number")),
        sa.UniqueConstraint("order_id", name=op.f("uq_direct_selections_order_id")),
    )
    op.create_index(op.f("ix_direct_selections_purchaser_org_id"), "direct_selections",
                    ["purchaser_org_id"], unique=False)
    op.create_index(op.f("ix_direct_selections_seller_org_id"), "direct_selections",
                    ["seller_org_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_direct_selections_seller_org_id"), table_name="direct_selections")
    op.drop_index(op.f("ix_direct_selections_purchaser_org_id"), table_name="direct_selections")
    op.drop_table("direct_selections")
