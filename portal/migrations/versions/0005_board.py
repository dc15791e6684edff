"""board: index of published announcements, with full-text search per database

SQLite gets an FTS5 table (trigram tokenizer) kept in step by triggers; PostgreSQL gets pg_trgm
GIN indexes on the title and body. Neither is in the models: ``include_in_autogenerate`` in
``portal.models.announcement`` keeps them out of the models-vs-migrations comparison.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FTS_SQLITE = [
    "CREATE VIRTUAL TABLE announcements_fts USING fts5(title, body_text, "
    "content='announcements', content_rowid='document_id', tokenize='trigram')",
    "CREATE TRIGGER announcements_fts_ai AFTER INSERT ON announcements BEGIN "
    "INSERT INTO announcements_fts(rowid, title, body_text) "
    "VALUES (new.document_id, new.title, new.body_text); END",
    "CREATE TRIGGER announcements_fts_ad AFTER DELETE ON announcements BEGIN "
    "INSERT INTO announcements_fts(announcements_fts, rowid, title, body_text) "
    "VALUES ('delete', old.document_id, old.title, old.body_text); END",
    "CREATE TRIGGER announcements_fts_au AFTER UPDATE ON announcements BEGIN "
    "INSERT INTO announcements_fts(announcements_fts, rowid, title, body_text) "
    "VALUES ('delete', old.document_id, old.title, old.body_text); "
    "INSERT INTO announcements_fts(rowid, title, body_text) "
    "VALUES (new.document_id, new.title, new.body_text); END",
]
TRGM_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_announcements_title_trgm ON announcements USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_announcements_body_trgm ON announcements "
    "USING gin (body_text gin_trgm_ops)",
]


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("board_category", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("local_region_code", sa.String(length=6), nullable=True),
        sa.Column("collector_org_id", sa.Integer(), nullable=True),
        sa.Column("purchaser_org_id", sa.Integer(), nullable=True),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("procurement_category", sa.String(length=16), nullable=True),
        sa.Column("project_number", sa.String(length=50), nullable=True),
        sa.Column("project_name", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collector_org_id"], ["organisations.id"],
            name=op.f("fk_announcements_collector_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"],
            name=op.f("fk_announcements_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"], ["organisations.id"],
            name=op.f("fk_announcements_owner_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["purchaser_org_id"], ["organisations.id"],
            name=op.f("fk_announcements_purchaser_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revisions.id"],
            name=op.f("fk_announcements_revision_id_revisions"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_announcements")),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index("ix_announcements_board_published",
                              ["board_category", "published_at", "document_id"], unique=False)
        batch_op.create_index("ix_announcements_published", ["published_at", "document_id"],
                              unique=False)
        for column in ("collector_org_id", "purchaser_org_id", "procurement_category",
                       "project_number", "region_code", "local_region_code"):
            batch_op.create_index(batch_op.f(f"ix_announcements_{column}"), [column],
                                  unique=False)
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": FTS_SQLITE, "postgresql": TRGM_POSTGRESQL}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS announcements_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS announcements_fts")
    op.drop_table("announcements")  # its indexes go with it
