"""Run pyHanko's coroutines from synchronous code, wherever that code is called from.

``asyncio.run`` refuses to start when the thread already runs an event loop (a test session
that drove a browser, an async web server); then the coroutine runs on a short-lived thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
