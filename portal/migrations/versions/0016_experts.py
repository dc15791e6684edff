"""experts: the regulator's expert pool, projects' draw requests and the seats they drew

New tables only: no batch alter of an existing table.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pool_org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("employer", sa.String(length=128), nullable=False),
        sa.Column("employer_uscc", sa.String(length=18), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_org_id"], ["organisations.id"], name=op.f("fk_experts_pool_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_experts_region_id_regions")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_experts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
        sa.UniqueConstraint("id_number", name=op.f("uq_experts_id_number")),
        sa.UniqueConstraint("user_id", name=op.f("uq_experts_user_id")),
    )
    op.create_index(op.f("ix_experts_pool_org_id"), "experts", ["pool_org_id"])

    op.create_table(
        "expert_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted", "returned", "drawn", name="drawstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("reserve_count", sa.Integer(), nullable=False),
        sa.Column("extra_avoided", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=True),
        sa.Column("avoided", sa.JSON(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.Column("leader_seat_id", sa.Integer(), nullable=True),
        sa.Column("leader_chosen_by_id", sa.Integer(), nullable=True),
        sa.Column("leader_chosen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["users.id"], name=op.f("fk_expert_draws_drafted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["leader_chosen_by_id"],
            ["users.id"],
            name=op.f("fk_expert_draws_leader_chosen_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_expert_draws_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_expert_draws_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_expert_draws_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_expert_draws_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_draws")),
    )
    op.create_index(op.f("ix_expert_draws_project_id"), "expert_draws", ["project_id"])

    op.create_table(
        "draw_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("reserve", sa.Boolean(), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=True),
        sa.Column("replaces_seat_id", sa.Integer(), nullable=True),
        sa.Column("declined_at", sa.DateTime(), nullable=True),
        sa.Column("decline_kind", sa.String(length=16), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("check_in_method", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["expert_draws.id"], name=op.f("fk_draw_seats_draw_id_expert_draws")
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_draw_seats_expert_id_experts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draw_seats")),
    )
    op.create_index(op.f("ix_draw_seats_draw_id"), "draw_seats", ["draw_id"])
    op.create_index(op.f("ix_draw_seats_expert_id"), "draw_seats", ["expert_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_draw_seats_expert_id"), table_name="draw_seats")
    op.drop_index(op.f("ix_draw_seats_draw_id"), table_name="draw_seats")

    op.drop_table("draw_seats")
    op.drop_index(op.f("ix_expert_draws_project_id"), table_name="expert_draws")

    op.drop_table("expert_draws")
    op.drop_index(op.f("ix_experts_pool_org_id"), table_name="experts")

    op.drop_table("experts")
