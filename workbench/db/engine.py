"""Engine and session scopes; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE writes.

A PostgreSQL engine has a bounded pool; running out of connections, in the pool or on the
server, is one DatabaseBusyError with a clear message, never a traceback.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from workbench.config import POOL_SIZE_ENV, PoolSettings, database_url
from workbench.db.locks import FairLock
from workbench.errors import DatabaseBusyError

BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "workbench_write"
# PostgreSQL's SQLSTATE for "too many clients" / "too many connections for database|role";
# a refused connection attempt carries only the server's message, not the code.
TOO_MANY_CONNECTIONS = "53300"
_OUT_OF_CONNECTIONS = (
    "too many clients already",
    "too many connections for",
    "remaining connection slots are reserved",
)


def _normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs; create the folder of a SQLite file."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    """Pragmas on every connection; BEGIN IMMEDIATE for write sessions, BEGIN for reads."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would defer BEGIN; we emit it ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that later writes can fail with "database is locked"
        # without waiting; taking the write lock up front lets busy_timeout do its job.
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _create_private(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only (it holds password hashes).

    SQLite gives the -wal and -shm files the database file's permissions.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return
    except OSError:
        return  # a missing folder or no right to create: SQLite's own error names it


def make_engine(url: str | None = None, *, pool: PoolSettings | None = None) -> Engine:
    """Create an engine for ``url`` (or the configured default) with the project's settings.

    ``pool`` bounds a PostgreSQL engine's connections (default: from the environment).
    """
    resolved = _normalise_url(database_url(url))
    backend = make_url(resolved).get_backend_name()
    if backend == "sqlite":
        _create_private(make_url(resolved).database)
        engine = create_engine(
            resolved, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine)
    else:
        limits = pool or PoolSettings.from_env()
        engine = create_engine(
            resolved,
            pool_pre_ping=True,
            pool_size=limits.size,
            max_overflow=limits.max_overflow,
            pool_timeout=limits.timeout,
        )
        _pool_limits[engine] = limits
    return engine


_pool_limits: weakref.WeakKeyDictionary[Engine, PoolSettings] = weakref.WeakKeyDictionary()


def _out_of_connections(error: BaseException | None) -> bool:
    if getattr(error, "sqlstate", None) == TOO_MANY_CONNECTIONS:
        return True
    message = str(error)
    return any(phrase in message for phrase in _OUT_OF_CONNECTIONS)


@contextmanager
def reporting_busy(engine: Engine | None = None) -> Iterator[None]:
    """Turn an exhausted pool or a server without free connections into DatabaseBusyError."""
    try:
        yield
    except sa_exc.TimeoutError as exc:
        limits = _pool_limits.get(engine, PoolSettings()) if engine else PoolSettings.from_env()
        raise DatabaseBusyError(
            f"the database is busy: all {limits.connections} connections of this process are in "
            f"use and none came free in {limits.timeout:g} s; try again in a moment "
            f"(an operator can raise {POOL_SIZE_ENV})"
        ) from exc
    except sa_exc.OperationalError as exc:
        if not _out_of_connections(exc.orig):
            raise
        raise DatabaseBusyError(
            "the database server has no free connections (its max_connections is reached); "
            "try again in a moment"
        ) from exc


class Database:
    """One engine with a read scope and a write scope; the unit of work is one user action."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        write_bind = engine.execution_options(**{_WRITE_OPTION: True})
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(write_bind, expire_on_commit=False)
        # SQLite has one writer at a time. Threads of this process queue on a lock instead of
        # polling the file lock with busy_timeout, which starves unlucky writers for seconds.
        self._write_lock: AbstractContextManager[object] = (
            FairLock() if self.is_sqlite else nullcontext()
        )

    @classmethod
    def from_url(cls, url: str | None = None) -> Database:
        """Database for ``url`` or the configured default."""
        return cls(make_engine(url))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; closing it ends the transaction, loaded objects stay usable."""
        with reporting_busy(self.engine), self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work commits as one transaction, or rolls back on any error."""
        with reporting_busy(self.engine), self._write_lock, self._write() as session:
            with session.begin():
                yield session

    def refresh_statistics(self) -> None:
        """Let SQLite's planner know how the tables' values spread (PostgreSQL's autovacuum does).

        Without statistics SQLite takes any index of an equality it sees: the article list's
        label counts then walked one reviewer's every label (``annotations.user_id``, a handful
        of values over a million rows) instead of the shown articles' sentences, 0.2-0.5 s at
        1M labels against a few ms. ``analysis_limit`` samples each index, so this stays about
        0.1 s however large the database grows; run after bulk loads and at every start.
        """
        refresh_statistics(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


SQLITE_ANALYSIS_LIMIT = 1000  # rows ANALYZE reads per index: bounded, and plenty for a plan


def refresh_statistics(engine: Engine) -> None:
    """``ANALYZE`` a SQLite database, sampling at most SQLITE_ANALYSIS_LIMIT rows per index."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        connection.exec_driver_sql("ANALYZE")


def sqlite_path(url: str) -> str | None:
    """The file path of a SQLite URL, or None for other backends and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return os.fspath(parsed.database)
