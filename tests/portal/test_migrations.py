"""Migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from portal import migrate
from portal.models import Base
from portal.models.announcement import include_in_autogenerate

pytestmark = pytest.mark.db


def test_migrations_reach_head_and_match_the_models(database_url) -> None:
    assert migrate.current_revision(database_url) is not None
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_in_autogenerate})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent(database_url) -> None:
    before = migrate.current_revision(database_url)
    migrate.upgrade(database_url)
    assert migrate.current_revision(database_url) == before
