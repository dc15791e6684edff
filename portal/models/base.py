"""Declarative base with a naming convention, so migrations name constraints the same everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Naive UTC, the form both SQLite and PostgreSQL store without surprises."""
    return datetime.now(UTC).replace(tzinfo=None)


#: China Standard Time, in which people read times and documents write them (without a zone).
BEIJING = timedelta(hours=8)


def beijing(value: datetime) -> datetime:
    """A stored (naive UTC) time as China Standard Time."""
    return value + BEIJING


def beijing_now() -> datetime:
    return beijing(utcnow())
