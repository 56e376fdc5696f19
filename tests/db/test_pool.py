"""A bounded PostgreSQL pool; running out of connections is one clear message, not a traceback."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
import streamlit as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from tests.conftest import ROOT
from workbench.cli import app
from workbench.config import DATABASE_URL_ENV, PoolSettings
from workbench.db.engine import Database, make_engine
from workbench.errors import DatabaseBusyError, InputError
from workbench.ui.components.text import escape_markdown

runner = CliRunner()
APP = ROOT / "workbench" / "streamlit_app.py"
POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
POOL_MESSAGE = (
    "the database is busy: all 2 connections of this process are in use and none came free in "
    "0.3 s; try again in a moment (an operator can raise WORKBENCH_DB_POOL_SIZE)"
)
SERVER_MESSAGE = (
    "the database server has no free connections (its max_connections is reached); "
    "try again in a moment"
)


def test_pool_settings_come_from_the_environment() -> None:
    assert PoolSettings.from_env({}) == PoolSettings(size=5, max_overflow=5, timeout=10.0)
    env = {
        "WORKBENCH_DB_POOL_SIZE": "2",
        "WORKBENCH_DB_MAX_OVERFLOW": "0",
        "WORKBENCH_DB_POOL_TIMEOUT": "1.5",
    }
    assert PoolSettings.from_env(env) == PoolSettings(size=2, max_overflow=0, timeout=1.5)
    for name, value in [
        ("WORKBENCH_DB_POOL_SIZE", "0"),
        ("WORKBENCH_DB_POOL_SIZE", "lots"),
        ("WORKBENCH_DB_MAX_OVERFLOW", "-1"),
        ("WORKBENCH_DB_POOL_TIMEOUT", "soon"),
    ]:
        with pytest.raises(InputError, match=f"{name} must be .* got '{value}'"):
            PoolSettings.from_env({name: value})


@POSTGRES_ONLY
def test_the_engine_has_the_configured_bounds(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_DB_POOL_SIZE", "3")
    monkeypatch.setenv("WORKBENCH_DB_MAX_OVERFLOW", "1")
    monkeypatch.setenv("WORKBENCH_DB_POOL_TIMEOUT", "2")
    engine = make_engine(database_url)
    pool = engine.pool
    assert (pool.size(), pool._max_overflow, pool._timeout) == (3, 1, 2.0)  # type: ignore[attr-defined]
    engine.dispose()


@POSTGRES_ONLY
def test_threads_beyond_a_tiny_pool_get_one_clear_error(database_url: str) -> None:
    db = Database(make_engine(database_url, pool=PoolSettings(size=1, max_overflow=1, timeout=0.3)))
    threads = 8
    start = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(write: bool) -> None:
        start.wait()
        try:
            with db.write() if write else db.read() as session:
                session.execute(text("SELECT pg_sleep(2)"))
            outcome = "ok"
        except DatabaseBusyError as exc:
            outcome = str(exc)
        except Exception as exc:  # noqa: BLE001 - anything else is what the test looks for
            outcome = f"unexpected {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=work, args=(n % 2 == 0,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    db.dispose()
    assert sorted(outcomes) == sorted(["ok"] * 2 + [POOL_MESSAGE] * 6)


@pytest.fixture
def limited_url(database_url: str) -> Iterator[str]:
    """The test database through a role that may hold one connection, which is taken."""
    admin = make_url(database_url)
    role = f"wb_limited_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1'))
        conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
    url = admin.set(username=role, password=None).render_as_string(hide_password=False)
    holder = create_engine(url)
    held = holder.connect()
    yield url
    held.close()
    holder.dispose()
    with engine.connect() as conn:
        conn.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))
    engine.dispose()


@POSTGRES_ONLY
def test_a_server_without_free_connections_is_one_line(limited_url: str) -> None:
    result = runner.invoke(app, ["--db", limited_url, "users", "list"])
    assert result.exit_code == 1, repr(result.exception)
    assert result.stderr.splitlines() == [f"error: {SERVER_MESSAGE}"]
    db = Database.from_url(limited_url)
    with pytest.raises(DatabaseBusyError, match="no free connections"), db.read() as session:
        session.execute(text("SELECT 1"))
    db.dispose()


@POSTGRES_ONLY
def test_a_bad_pool_setting_is_one_line(
    database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_DB_POOL_SIZE", "many")
    result = runner.invoke(app, ["--db", database_url, "users", "list"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: WORKBENCH_DB_POOL_SIZE must be a whole number from 1 to 10000, got 'many'"
    ]


@POSTGRES_ONLY
def test_the_app_shows_one_error_box_when_the_server_is_full(
    limited_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, limited_url)
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    st.cache_resource.clear()
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert [error.value for error in at.error] == [escape_markdown(SERVER_MESSAGE)]
