"""evaluation entries keep the stocked product a response chose, for the shortlist's suppliers

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation_entries") as batch:
        batch.add_column(sa.Column("product_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_evaluation_entries_product_id_products"), "products",
                                 ["product_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("evaluation_entries") as batch:
        batch.drop_constraint(op.f("fk_evaluation_entries_product_id_products"),
                              type_="foreignkey")
        batch.drop_column("product_id")
