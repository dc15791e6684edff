"""projects: created by an approved initiation, entrusted to an agency

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("collector_org_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("agreement_type", sa.String(length=16), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("initiation_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "terminated", name="projectstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("agency_org_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("lead_user_id", sa.Integer(), nullable=True),
        sa.Column("handler_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_org_id"],
            ["organisations.id"],
            name=op.f("fk_projects_agency_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["collector_org_id"],
            ["organisations.id"],
            name=op.f("fk_projects_collector_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["handler_user_id"], ["users.id"], name=op.f("fk_projects_handler_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["initiation_id"], ["documents.id"], name=op.f("fk_projects_initiation_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["lead_user_id"], ["users.id"], name=op.f("fk_projects_lead_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("initiation_id", name=op.f("uq_projects_initiation_id")),
        sa.UniqueConstraint("number", name=op.f("uq_projects_number")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_projects_agency_org_id"), ["agency_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_projects_collector_org_id"), ["collector_org_id"], unique=False
        )

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_project_id"), ["project_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_project_id_projects"),
            "projects",
            ["project_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_project_id_projects"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_documents_project_id"))
        batch_op.drop_column("project_id")

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_collector_org_id"))
        batch_op.drop_index(batch_op.f("ix_projects_agency_org_id"))

    op.drop_table("projects")
