"""我的待办: the items waiting for a user's action, gathered from every aggregate.

Aggregates register a source: a function that queries their own tables for what is pending for
a user (by role, organisation and position) and yields ``TodoItem``s. Nothing is stored twice:
the list is derived from the state of the items themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from portal.models import User


@dataclass(frozen=True)
class TodoItem:
    step: str  # the group heading, e.g. 待审核
    title: str
    url: str
    since: datetime
    detail: str = ""


TodoSource = Callable[[Session, User], Iterable[TodoItem]]

_sources: list[TodoSource] = []


def register(source: TodoSource) -> TodoSource:
    if source not in _sources:
        _sources.append(source)
    return source


def unregister(source: TodoSource) -> None:
    _sources.remove(source)


def todo_for(db: Session, user: User) -> dict[str, list[TodoItem]]:
    """Items grouped by step, oldest first within a step, steps in first-seen order."""
    groups: dict[str, list[TodoItem]] = {}
    for source in _sources:
        for item in source(db, user):
            groups.setdefault(item.step, []).append(item)
    for items in groups.values():
        items.sort(key=lambda item: item.since)
    return groups
