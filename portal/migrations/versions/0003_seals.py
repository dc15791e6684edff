"""seals: credentials bound to accounts, seals on revisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "holder_type",
            sa.Enum("org", "person", name="holdertype", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(length=128), nullable=False),
        sa.Column("subject_code", sa.String(length=18), nullable=False),
        sa.Column("serial_hex", sa.String(length=64), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("not_after", sa.DateTime(), nullable=False),
        sa.Column("certificate_der", sa.LargeBinary(), nullable=False),
        sa.Column("p12_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "replaced", name="credentialstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("bound_by_id", sa.Integer(), nullable=False),
        sa.Column("bound_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bound_by_id"], ["users.id"], name=op.f("fk_credentials_bound_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_credentials_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_credentials_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint("key_fingerprint", name=op.f("uq_credentials_key_fingerprint")),
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credentials_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credentials_user_id"), ["user_id"], unique=False)

    op.create_table(
        "seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("sealer_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("field_name", sa.String(length=64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("output_sha256", sa.String(length=64), nullable=True),
        sa.Column("prepared", sa.JSON(), nullable=True),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "preparing",
                "awaiting_key",
                "finishing",
                "applied",
                "confirmed",
                "withdrawn",
                "failed",
                name="sealstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["credential_id"], ["credentials.id"], name=op.f("fk_seals_credential_id_credentials")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["review_decisions.id"],
            name=op.f("fk_seals_decision_id_review_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_seals_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revisions.id"], name=op.f("fk_seals_revision_id_revisions")
        ),
        sa.ForeignKeyConstraint(["sealer_id"], ["users.id"], name=op.f("fk_seals_sealer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seals")),
    )
    with op.batch_alter_table("seals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seals_revision_id"), ["revision_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seals_revision_id"))

    op.drop_table("seals")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_user_id"))
        batch_op.drop_index(batch_op.f("ix_credentials_org_id"))

    op.drop_table("credentials")
