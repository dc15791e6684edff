"""The worker entry point: a warm, non-forking RQ worker that runs each job in an app context.

RQ's default worker forks per job, so WeasyPrint's import and font loading would repeat for
every job (about 2 s); ``SimpleWorker`` keeps one warm process. Run one per core.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq import SimpleWorker


class AppContextWorker(SimpleWorker):
    flask_app: Flask

    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        with self.flask_app.app_context():
            return super().perform_job(*args, **kwargs)


def run(app: Flask, queue_names: tuple[str, ...], burst: bool = False) -> bool:
    from portal.jobs_queue import redis_connection

    with app.app_context():
        connection = redis_connection()
    worker = AppContextWorker(queue_names, connection=connection)
    worker.flask_app = app
    return bool(worker.work(burst=burst, with_scheduler=False))
