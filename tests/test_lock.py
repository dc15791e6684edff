"""The installed packages are the lock's, and the lock satisfies pyproject.toml.

``./manage.sh`` installs only from ``requirements/*.lock`` (exact versions and hashes), so a
fresh machine gets what this suite passed on; these tests catch a pyproject change made without
re-locking (``./manage.sh lock``) and a virtualenv that drifted from the lock.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ \\]+)")


def pins(lock: str) -> dict[str, str]:
    lines = (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines()
    return {canonicalize_name(m.group(1)): m.group(2)
            for m in map(PIN.match, lines) if m is not None}


def test_every_locked_package_carries_hashes() -> None:
    for lock in ("runtime.lock", "test.lock"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
        assert len(entries) == len(pins(lock)) > 10
        for entry in entries:
            assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_the_runtime_lock_is_the_test_lock_without_the_test_tools() -> None:
    runtime, test = pins("runtime.lock"), pins("test.lock")
    assert runtime.items() <= test.items()
    assert "pytest" in test and "pytest" not in runtime


def test_the_locks_satisfy_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {
        "runtime.lock": project["project"]["dependencies"],
        "test.lock": [*project["project"]["dependencies"],
                      *project["project"]["optional-dependencies"]["test"]],
    }
    for lock, requirements in wanted.items():
        pinned = pins(lock)
        for line in [*requirements, *project["build-system"]["requires"]]:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{line} is not in {lock}: run ./manage.sh lock"
            assert requirement.specifier.contains(pinned[name], prereleases=True), (
                f"{lock} pins {name}=={pinned[name]}, pyproject asks {line}")


def test_the_virtualenv_holds_exactly_the_test_lock() -> None:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        check=True, capture_output=True, text=True).stdout.splitlines()
    installed = {canonicalize_name(m.group(1)): m.group(2)
                 for m in map(PIN.match, frozen) if m is not None}
    installed.pop("pip", None)  # the virtualenv's own installer, not a dependency
    assert installed == pins("test.lock")
