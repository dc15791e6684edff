"""board: the date index carries the title, for searches that scan titles in date order

Plain CREATE and DROP INDEX, no batch: recreating the announcements table on SQLite would drop
the full-text triggers of 0005.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_announcements_published_title",
        "announcements",
        ["published_at", "document_id", "title"],
        unique=False,
    )
    op.drop_index("ix_announcements_published", table_name="announcements")


def downgrade() -> None:
    op.create_index(
        "ix_announcements_published", "announcements", ["published_at", "document_id"], unique=False
    )
    op.drop_index("ix_announcements_published_title", table_name="announcements")
