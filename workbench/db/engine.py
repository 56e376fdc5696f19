"""Engine and session scopes; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE writes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from workbench.config import database_url
from workbench.db.locks import FairLock

BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "workbench_write"


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


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (or the configured default) with the project's settings."""
    resolved = _normalise_url(database_url(url))
    backend = make_url(resolved).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            resolved, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine)
    else:
        engine = create_engine(resolved, pool_pre_ping=True, pool_size=10, max_overflow=20)
    return engine


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
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work commits as one transaction, or rolls back on any error."""
        with self._write_lock, self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def sqlite_path(url: str) -> str | None:
    """The file path of a SQLite URL, or None for other backends and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return os.fspath(parsed.database)
