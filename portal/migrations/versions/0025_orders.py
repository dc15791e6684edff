"""orders: the purchaser's cart, orders made by 直接选定 and their lines

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("purchaser_org_id", sa.Integer(), nullable=False),
        sa.Column("seller_org_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("plan_line", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "created",
                "sent",
                "accepted",
                "returned",
                "shipped",
                "received",
                "completed",
                "cancelled",
                name="orderstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("delivery_address", sa.String(length=256), nullable=False),
        sa.Column("contact", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("return_reason", sa.String(length=500), nullable=True),
        sa.Column("logistics_company", sa.String(length=100), nullable=True),
        sa.Column("tracking_number", sa.String(length=64), nullable=True),
        sa.Column("shipped_at", sa.DateTime(), nullable=True),
        sa.Column("invoice_sha256", sa.String(length=64), nullable=True),
        sa.Column("invoice_filename", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("acceptance_sha256", sa.String(length=64), nullable=True),
        sa.Column("acceptance_filename", sa.String(length=200), nullable=True),
        sa.Column("payment_sha256", sa.String(length=64), nullable=True),
        sa.Column("payment_filename", sa.String(length=200), nullable=True),
        sa.Column("payment_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_orders_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["documents.id"], name=op.f("fk_orders_contract_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["documents.id"],
            name=op.f("fk_orders_announcement_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["documents.id"], name=op.f("fk_orders_plan_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["purchaser_org_id"],
            ["organisations.id"],
            name=op.f("fk_orders_purchaser_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_org_id"],
            ["organisations.id"],
            name=op.f("fk_orders_seller_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
        sa.UniqueConstraint("contract_id", name=op.f("uq_orders_contract_id")),
        sa.UniqueConstraint("announcement_id", name=op.f("uq_orders_announcement_id")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orders_purchaser_org_id"), ["purchaser_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_orders_seller_org_id"), ["seller_org_id"], unique=False
        )

    op.create_table(
        "cart_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("shortlisted_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["reseller_delegations.id"],
            name=op.f("fk_cart_items_delegation_id_reseller_delegations"),
        ),
        sa.ForeignKeyConstraint(
            ["shortlisted_id"],
            ["shortlisted_suppliers.id"],
            name=op.f("fk_cart_items_shortlisted_id_shortlisted_suppliers"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_cart_items_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_items")),
        sa.UniqueConstraint("user_id", "shortlisted_id", name=op.f("uq_cart_items_user_id")),
    )
    with op.batch_alter_table("cart_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cart_items_user_id"), ["user_id"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("shortlisted_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["reseller_delegations.id"],
            name=op.f("fk_order_lines_delegation_id_reseller_delegations"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_order_lines_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["shortlisted_id"],
            ["shortlisted_suppliers.id"],
            name=op.f("fk_order_lines_shortlisted_id_shortlisted_suppliers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))

    op.drop_table("order_lines")
    with op.batch_alter_table("cart_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cart_items_user_id"))

    op.drop_table("cart_items")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_seller_org_id"))
        batch_op.drop_index(batch_op.f("ix_orders_purchaser_org_id"))

    op.drop_table("orders")
