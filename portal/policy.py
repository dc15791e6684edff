"""Authorisation in one place.

Every view declares who may reach it with ``@access(...)``; one ``before_request`` hook enforces
the declaration on the server, and the app refuses to start if any endpoint lacks one. Checks on
a particular object (its organisation, drafter ≠ reviewer) belong to the loaders and domain
commands that handle that object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from portal.models import OrgKind, Position

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "_kuangcai_access"


@dataclass(frozen=True)
class Access:
    """Who may use an endpoint: everyone, or signed-in users with one of the roles and positions."""

    public: bool = False
    roles: frozenset[OrgKind] = frozenset()
    positions: frozenset[Position] = frozenset()

    def allows(self, user: Any) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        if self.roles and user.role not in self.roles:
            return False
        return not self.positions or bool(self.positions & user.positions)


PUBLIC = Access(public=True)
SIGNED_IN = Access()


def access(
    rule: Access | None = None,
    *,
    roles: Iterable[OrgKind] = (),
    positions: Iterable[Position] = (),
) -> Callable[[F], F]:
    declared = rule or Access(roles=frozenset(roles), positions=frozenset(positions))

    def decorate(view: F) -> F:
        setattr(view, ATTRIBUTE, declared)
        return view

    return decorate


def rule_for(app: Flask, endpoint: str) -> Access | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, ATTRIBUTE, None)


def init_app(app: Flask) -> None:
    @app.before_request
    def _enforce() -> Any:
        if request.endpoint is None:  # 404 and 405 are answered by Flask itself
            return None
        rule = PUBLIC if request.endpoint == "static" else rule_for(app, request.endpoint)
        if rule is None:
            abort(403)
        if rule.allows(current_user):
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)


def check_all_endpoints_declared(app: Flask) -> None:
    missing = [e for e in app.view_functions if e != "static" and rule_for(app, e) is None]
    if missing:
        raise RuntimeError(f"endpoints without an @access declaration: {sorted(missing)}")
