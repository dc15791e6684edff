"""Jobs for worker tests: they leave a file behind, so a test sees them done without Redis."""

from __future__ import annotations

import time
from pathlib import Path


def touch_after(path: str, seconds: float) -> str:
    time.sleep(seconds)
    Path(path).write_text("done")
    return path
