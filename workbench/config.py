"""Every setting of the workbench: the ``WORKBENCH_*`` variables, file locations and fixed limits.

This is the only module that reads the environment for the package (the README's "Settings"
table lists the same names). A value that cannot be used is an InputError naming the variable.
Settings are read when asked for, so a test or a command that sets a variable sees it at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from workbench.errors import InputError

DATABASE_URL_ENV = "WORKBENCH_DATABASE_URL"
POOL_SIZE_ENV = "WORKBENCH_DB_POOL_SIZE"
MAX_OVERFLOW_ENV = "WORKBENCH_DB_MAX_OVERFLOW"
POOL_TIMEOUT_ENV = "WORKBENCH_DB_POOL_TIMEOUT"
SESSION_KEY_FILE_ENV = "WORKBENCH_SESSION_KEY_FILE"
PSEUDONYM_KEY_ENV = "WORKBENCH_PSEUDONYM_KEY"
PSEUDONYM_KEY_FILE_ENV = "WORKBENCH_PSEUDONYM_KEY_FILE"
EXPORTS_DIR_ENV = "WORKBENCH_EXPORTS_DIR"
ALLOW_PRIVATE_FETCH_ENV = "WORKBENCH_ALLOW_PRIVATE_FETCH"
CLAIMREVIEW_ORG_NAME_ENV = "WORKBENCH_CLAIMREVIEW_ORG_NAME"
CLAIMREVIEW_ORG_URL_ENV = "WORKBENCH_CLAIMREVIEW_ORG_URL"
CLAIMREVIEW_REVIEW_URL_ENV = "WORKBENCH_CLAIMREVIEW_REVIEW_URL"
CLAIMREVIEW_RATINGS_ENV = "WORKBENCH_CLAIMREVIEW_RATINGS"

DEFAULT_DATABASE_URL = "sqlite:///db/workbench.db"
DEFAULT_KEY_DIR = Path("db")  # key files when the database is not a SQLite file
SESSION_KEY_FILE_NAME = "session.key"
DEFAULT_PSEUDONYM_KEY_FILE = DEFAULT_KEY_DIR / "pseudonym.key"
DEFAULT_EXPORTS_DIR = Path("exports")

SESSION_IDLE_ENV = "WORKBENCH_SESSION_IDLE_MINUTES"
SESSION_LIFETIME_ENV = "WORKBENCH_SESSION_LIFETIME_HOURS"
LOGIN_ADDRESS_FAILURES_ENV = "WORKBENCH_LOGIN_ADDRESS_FAILURES"
LOGIN_ADDRESS_WINDOW_ENV = "WORKBENCH_LOGIN_ADDRESS_WINDOW_MINUTES"
DEFAULT_SESSION_IDLE_MINUTES = 120
DEFAULT_SESSION_LIFETIME_HOURS = 8
DEFAULT_LOGIN_ADDRESS_FAILURES = 20
DEFAULT_LOGIN_ADDRESS_WINDOW_MINUTES = 15

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def _environment(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _text(name: str, env: Mapping[str, str] | None = None) -> str:
    """The variable's value without surrounding spaces ("" when unset)."""
    return _environment(env).get(name, "").strip()


def database_url(explicit: str | None = None) -> str:
    """Return the database URL: explicit value, then the environment, then the default."""
    if explicit:
        return explicit
    return _text(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def _number(
    env: Mapping[str, str], name: str, default: float, *, minimum: float, whole: bool = True
) -> float:
    raw = _text(name, env)
    if not raw:
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= 10_000:
        kind = "a whole number" if whole else "a number of seconds"
        raise InputError(f"{name} must be {kind} from {minimum:g} to 10000, got {raw!r}")
    return value


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """How many server connections one process holds at most, and how long a session waits."""

    # 8 app processes at the defaults hold at most 80 connections, under PostgreSQL's default
    # max_connections of 100.
    size: int = 5
    max_overflow: int = 5
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PoolSettings:
        """Settings from WORKBENCH_DB_POOL_SIZE / _MAX_OVERFLOW / _POOL_TIMEOUT, or InputError."""
        values = _environment(env)
        default = cls()
        return cls(
            size=int(_number(values, POOL_SIZE_ENV, default.size, minimum=1)),
            max_overflow=int(_number(values, MAX_OVERFLOW_ENV, default.max_overflow, minimum=0)),
            timeout=_number(values, POOL_TIMEOUT_ENV, default.timeout, minimum=0, whole=False),
        )

    @property
    def connections(self) -> int:
        """The most connections the pool opens."""
        return self.size + self.max_overflow


def session_key_file(url: str | URL) -> Path:
    """Where the session secret lives: $WORKBENCH_SESSION_KEY_FILE, else next to the database."""
    explicit = _text(SESSION_KEY_FILE_ENV)
    if explicit:
        return Path(explicit)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database)).parent / SESSION_KEY_FILE_NAME
    return DEFAULT_KEY_DIR / SESSION_KEY_FILE_NAME


def pseudonym_key() -> bytes | None:
    """The pseudonym secret given in $WORKBENCH_PSEUDONYM_KEY, or None (then a key file is used)."""
    explicit = os.environ.get(PSEUDONYM_KEY_ENV)  # a secret is used as given, spaces and all
    return explicit.encode("utf-8") if explicit else None


def pseudonym_key_file() -> Path:
    """Where the pseudonym key file lives: $WORKBENCH_PSEUDONYM_KEY_FILE or ``db/pseudonym.key``."""
    return Path(_text(PSEUDONYM_KEY_FILE_ENV) or DEFAULT_PSEUDONYM_KEY_FILE)


def exports_dir() -> Path:
    """Where the app puts exports: $WORKBENCH_EXPORTS_DIR or ``exports/``."""
    return Path(_text(EXPORTS_DIR_ENV) or DEFAULT_EXPORTS_DIR)


def allow_private_fetch(env: Mapping[str, str] | None = None) -> bool:
    """True when $WORKBENCH_ALLOW_PRIVATE_FETCH allows fetching non-public addresses."""
    raw = _text(ALLOW_PRIVATE_FETCH_ENV, env)
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    allowed = ", ".join(value for value in (*_TRUE, *_FALSE) if value)
    raise InputError(f"{ALLOW_PRIVATE_FETCH_ENV} must be one of {allowed}, got {raw!r}")


API_MAX_BODY_ENV = "WORKBENCH_API_MAX_BODY_MB"
DEFAULT_API_MAX_BODY_MB = 32


def api_max_body_bytes(env: Mapping[str, str] | None = None) -> int:
    """The largest request body the REST API reads: $WORKBENCH_API_MAX_BODY_MB (default 32)."""
    megabytes = _number(_environment(env), API_MAX_BODY_ENV, DEFAULT_API_MAX_BODY_MB, minimum=1)
    return int(megabytes) * 1_000_000


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """How long a browser session lasts, and how many failed sign-ins one address may make."""

    idle_seconds: int = DEFAULT_SESSION_IDLE_MINUTES * 60
    lifetime_seconds: int = DEFAULT_SESSION_LIFETIME_HOURS * 3600
    address_failures: int = DEFAULT_LOGIN_ADDRESS_FAILURES
    address_window_seconds: int = DEFAULT_LOGIN_ADDRESS_WINDOW_MINUTES * 60

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SessionSettings:
        """Settings from WORKBENCH_SESSION_* and WORKBENCH_LOGIN_ADDRESS_*, or InputError."""
        values = _environment(env)
        idle = _number(values, SESSION_IDLE_ENV, DEFAULT_SESSION_IDLE_MINUTES, minimum=1)
        hours = _number(values, SESSION_LIFETIME_ENV, DEFAULT_SESSION_LIFETIME_HOURS, minimum=1)
        failures = _number(
            values, LOGIN_ADDRESS_FAILURES_ENV, DEFAULT_LOGIN_ADDRESS_FAILURES, minimum=1
        )
        window = _number(
            values, LOGIN_ADDRESS_WINDOW_ENV, DEFAULT_LOGIN_ADDRESS_WINDOW_MINUTES, minimum=1
        )
        return cls(
            idle_seconds=int(idle) * 60,
            lifetime_seconds=int(hours) * 3600,
            address_failures=int(failures),
            address_window_seconds=int(window) * 60,
        )


@dataclass(frozen=True, slots=True)
class ClaimReviewSettings:
    """The publisher of ClaimReview exports as the settings give it ("" or () when unset)."""

    org_name: str = ""
    org_url: str = ""
    review_url: str = ""
    # ``VERDICT=TEXT`` items, checked where they are used (``exporters.publisher``).
    ratings: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ClaimReviewSettings:
        """$WORKBENCH_CLAIMREVIEW_ORG_NAME / _ORG_URL / _REVIEW_URL / _RATINGS (comma-separated)."""
        ratings = _text(CLAIMREVIEW_RATINGS_ENV, env)
        return cls(
            org_name=_text(CLAIMREVIEW_ORG_NAME_ENV, env),
            org_url=_text(CLAIMREVIEW_ORG_URL_ENV, env),
            review_url=_text(CLAIMREVIEW_REVIEW_URL_ENV, env),
            ratings=tuple(item.strip() for item in ratings.split(",") if item.strip()),
        )
