"""/healthz: database, Redis and worker state, for people and for load balancers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text

from portal import db
from portal.jobs_queue import redis_connection, worker_states
from portal.policy import PUBLIC, access
from portal.web import render

bp = Blueprint("health", __name__)


def _check_database() -> tuple[bool, str]:
    try:
        db.session().execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001  (any failure means "down"; the detail is shown)
        return False, type(exc).__name__
    return True, db.engine().dialect.name


def _check_redis() -> tuple[bool, str]:
    try:
        info = redis_connection().info("server")
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, f"redis {info.get('redis_version', '?')}"


@bp.get("/healthz")
@access(PUBLIC)
def healthz() -> Any:
    database_ok, database = _check_database()
    redis_ok, redis = _check_redis()
    workers = worker_states(current_app.config["WORKER_HEARTBEAT_SECONDS"]) if redis_ok else []
    report = {
        "status": "ok" if database_ok and redis_ok and workers else
                  "degraded" if database_ok and redis_ok else "down",
        "database": {"ok": database_ok, "detail": database},
        "redis": {"ok": redis_ok, "detail": redis},
        "workers": {"ok": bool(workers), "count": len(workers), "names": workers},
    }
    status = 200 if database_ok and redis_ok else 503
    if request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json":
        return jsonify(report), status
    return render("main/health.html", status, report=report)
