"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workbench.db import queries
from workbench.db.engine import Database, make_engine
from workbench.db.migrate import upgrade
from workbench.db.models import User
from workbench.services.ingest import ingest_paths
from workbench.services.users import create_user

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PG_ENV = "WORKBENCH_TEST_POSTGRES_URL"
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def _ingest_seeds(url: str) -> None:
    database = Database.from_url(url)
    report = ingest_paths(database, sources=[str(SEEDS)])
    database.dispose()
    assert not report.errors, report.errors
    assert len(report.added) == 5, report


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def sqlite_seeded_template(sqlite_template: Path) -> Path:
    """A migrated SQLite file holding the seed articles (ingested once per test session)."""
    path = sqlite_template.with_name("seeded.db")
    shutil.copy(sqlite_template, path)
    _ingest_seeds(f"sqlite:///{path}")  # closing the last connection checkpoints the WAL
    return path


def _pg_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if IN_CI:
            pytest.fail(f"{PG_ENV} is not set; CI must test PostgreSQL")
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        )
    return url


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database used as the template of each test's database."""
    admin = make_url(_pg_admin_url()).set(drivername="postgresql+psycopg")
    name = f"wb_template_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:  # a missing server is a failure here, never a skip
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    migrated = make_engine(admin.set(database=name).render_as_string(hide_password=False))
    upgrade(migrated)
    migrated.dispose()
    yield name
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def pg_seeded_template(pg_template: str) -> Iterator[str]:
    """A PostgreSQL template database holding the seed articles."""
    admin = make_url(_pg_admin_url()).set(drivername="postgresql+psycopg")
    name = f"{pg_template}_seeded"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    _ingest_seeds(admin.set(database=name).render_as_string(hide_password=False))
    yield name
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, migrated database; the test runs once per backend.

    Empty, unless the test asks for ``seeded_db``: then it starts as a copy of a template
    that holds the seed articles, so the seeds are segmented and linked once per session.
    """
    seeded = "seeded_db" in request.fixturenames
    if request.param == "sqlite":
        fixture = "sqlite_seeded_template" if seeded else "sqlite_template"
        template: Path = request.getfixturevalue(fixture)
        path = tmp_path / "workbench.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    fixture = "pg_seeded_template" if seeded else "pg_template"
    template_name: str = request.getfixturevalue(fixture)
    admin = make_url(_pg_admin_url()).set(drivername="postgresql+psycopg")
    name = f"wb_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield admin.set(database=name).render_as_string(hide_password=False)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A Database on a fresh, migrated schema."""
    database = Database.from_url(database_url)
    yield database
    database.dispose()


@pytest.fixture
def seeded_db(db: Database) -> Database:
    """A Database holding the five seed articles (copied from a session template)."""
    with db.read() as session:
        assert len(queries.all_article_ids(session)) == 5
    return db


@pytest.fixture
def corpus(seeded_db: Database) -> Database:
    """The seed articles with the small labeled corpus of tests/exporters/labeled.py."""
    from tests.exporters.labeled import label_corpus

    label_corpus(seeded_db)
    return seeded_db


@pytest.fixture
def make_user(db: Database):  # type: ignore[no-untyped-def]
    """Factory: create an account and return its id."""

    def _make(name: str, role: str = "reviewer", password: str | None = "correct horse") -> int:
        with db.write() as session:
            user: User = create_user(session, name=name, role=role, password=password)
            return user.id

    return _make


@pytest.fixture(autouse=True)
def _session_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the session-cookie key of each test in its own folder, never in the project's db/."""
    monkeypatch.setenv("WORKBENCH_SESSION_KEY_FILE", str(tmp_path / "session.key"))
