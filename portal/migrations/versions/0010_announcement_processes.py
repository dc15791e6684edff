"""board: the OCDS contracting process of each announcement

Announcements already on the board become processes of their own project number, as their
releases were published until now; rounds and call-off links apply from the next publication.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BACKFILL = (
    "INSERT INTO announcement_processes (document_id, ocid, project_ocid) "
    "SELECT document_id, 'ocds-kuangcai-' || suffix, 'ocds-kuangcai-' || suffix FROM ("
    "SELECT document_id, COALESCE(project_number, 'A' || CAST(document_id AS VARCHAR)) AS suffix "
    "FROM announcements) AS existing"
)


def upgrade() -> None:
    op.create_table(
        "announcement_processes",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ocid", sa.String(length=80), nullable=False),
        sa.Column("project_ocid", sa.String(length=80), nullable=False),
        sa.Column("related_ocid", sa.String(length=80), nullable=True),
        sa.Column("relation", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["announcements.document_id"],
            name=op.f("fk_announcement_processes_document_id_announcements"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_announcement_processes")),
    )
    with op.batch_alter_table("announcement_processes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcement_processes_ocid"), ["ocid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_announcement_processes_project_ocid"), ["project_ocid"], unique=False
        )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table("announcement_processes")  # its indexes go with it
