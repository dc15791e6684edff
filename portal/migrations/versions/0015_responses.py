"""responses (响应文件, encrypted), their draft attachments, lot openings and confirmations

New tables only, no batch on existing ones.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lot_openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("solicitation_id", sa.Integer(), nullable=False),
        sa.Column("lot_number", sa.String(length=20), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("window_minutes", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_lot_openings_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_lot_openings_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["documents.id"], name=op.f("fk_lot_openings_record_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["solicitation_id"],
            ["documents.id"],
            name=op.f("fk_lot_openings_solicitation_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_openings")),
        sa.UniqueConstraint(
            "solicitation_id", "lot_number", name=op.f("uq_lot_openings_solicitation_id")
        ),
    )
    with op.batch_alter_table("lot_openings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lot_openings_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lot_openings_solicitation_id"), ["solicitation_id"], unique=False
        )

    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("solicitation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_org_id", sa.Integer(), nullable=False),
        sa.Column("lot_number", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "submitted", name="responsestatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("envelope_sha256", sa.String(length=64), nullable=True),
        sa.Column("recipient_cert_sha256", sa.String(length=64), nullable=True),
        sa.Column("receipt_token", sa.LargeBinary(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submissions", sa.Integer(), server_default="0", nullable=False),
        sa.Column("opened", sa.JSON(), nullable=True),
        sa.Column("decrypted_at", sa.DateTime(), nullable=True),
        sa.Column("excluded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_responses_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["solicitation_id"],
            ["documents.id"],
            name=op.f("fk_responses_solicitation_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_responses_submitted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_org_id"],
            ["organisations.id"],
            name=op.f("fk_responses_supplier_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint(
            "solicitation_id",
            "supplier_org_id",
            "lot_number",
            name=op.f("uq_responses_solicitation_id"),
        ),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_responses_project_id"), ["project_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_responses_solicitation_id"), ["solicitation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_responses_supplier_org_id"), ["supplier_org_id"], unique=False
        )

    op.create_table(
        "opening_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=False),
        sa.Column("supplier_org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "confirmed", "objection", name="confirmationdecision", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("objection", sa.Text(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_opening_confirmations_answered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["opening_id"],
            ["lot_openings.id"],
            name=op.f("fk_opening_confirmations_opening_id_lot_openings"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_org_id"],
            ["organisations.id"],
            name=op.f("fk_opening_confirmations_supplier_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_opening_confirmations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_confirmations")),
        sa.UniqueConstraint(
            "opening_id", "supplier_org_id", name=op.f("uq_opening_confirmations_opening_id")
        ),
    )
    with op.batch_alter_table("opening_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opening_confirmations_opening_id"), ["opening_id"], unique=False
        )

    op.create_table(
        "response_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_response_attachments_response_id_responses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_attachments")),
    )
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_response_attachments_response_id"), ["response_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_attachments_response_id"))

    op.drop_table("response_attachments")
    with op.batch_alter_table("opening_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opening_confirmations_opening_id"))

    op.drop_table("opening_confirmations")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_supplier_org_id"))
        batch_op.drop_index(batch_op.f("ix_responses_solicitation_id"))
        batch_op.drop_index(batch_op.f("ix_responses_project_id"))

    op.drop_table("responses")
    with op.batch_alter_table("lot_openings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_openings_solicitation_id"))
        batch_op.drop_index(batch_op.f("ix_lot_openings_project_id"))

    op.drop_table("lot_openings")
