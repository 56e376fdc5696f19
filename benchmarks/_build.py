"""Build the scale benchmarks' databases through the public command line, and cache them.

A database is built with ``workbench init``, ``workbench ingest`` of the generated corpus in
chunks of ``CHUNK`` articles (each chunk timed), ``workbench import-labels`` and
``workbench users add``. A finished build writes ``build.json`` in its cache folder
(``db/bench-cache/<key>/``, the key naming backend, corpus size, seed and corpus version); a
folder without it is a build that did not finish and is wiped and built again. A cached
database built at an older schema is upgraded with ``workbench init``, as a desk's database is,
and its record says at which revision it was built (``schema``) and to which it was upgraded
(``upgraded_to``); its ingest figures are those of the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import corpus

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "db" / "bench-cache"
SEEDS = ROOT / "seeds"
CHUNK = 1_000
CORPUS_VERSION = 1  # bump when the generator changes what it writes
PASSWORD = "correct horse battery"
ACCOUNTS = {"editor": "editor", "admin": "admin"}
BACKENDS = ("sqlite", "postgresql")
PG_URL_ENV = "WORKBENCH_SCALE_POSTGRES_URL"
TIMEOUT_ENV = "WORKBENCH_SCALE_TIMEOUT"
REBUILD_ENV = "WORKBENCH_SCALE_REBUILD"
DEFAULT_TIMEOUT = 3_600.0


class BuildError(RuntimeError):
    """A build step failed; the message names the step and its output."""


@dataclass(frozen=True)
class Built:
    """A finished database: its URL, session key file and what the build measured."""

    name: str
    url: str
    folder: Path
    info: dict[str, Any]

    @property
    def key_file(self) -> Path:
        """The session secret the app servers of this database share."""
        return self.folder / "session.key"


def command_timeout() -> float:
    """Seconds one build command may take ($WORKBENCH_SCALE_TIMEOUT, default one hour)."""
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise BuildError(f"{TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise BuildError(f"{TIMEOUT_ENV} must be positive, not {raw!r}")
    return value


def workbench_command() -> list[str]:
    """The ``workbench`` console script of this interpreter (or the module behind it)."""
    script = Path(sys.executable).with_name("workbench")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from workbench.cli import main; main()"]


def schema_head() -> str:
    """The newest Alembic revision of the package (part of every cache key)."""
    from alembic.script import ScriptDirectory

    from workbench.db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise BuildError("the package has no Alembic revision")
    return head


def run_cli(url: str, *args: str, stdin: str | None = None, key_file: Path | None = None) -> float:
    """Run ``workbench --db URL ARGS``; return its wall time; raise BuildError on failure."""
    env = dict(os.environ)
    if key_file is not None:
        env["WORKBENCH_SESSION_KEY_FILE"] = str(key_file)
    timeout = command_timeout()
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [*workbench_command(), "--db", url, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"`workbench {' '.join(args)}` took over {timeout:.0f} s") from None
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip().splitlines()[-20:]
        raise BuildError(
            f"`workbench {' '.join(args)}` exited {done.returncode}:\n" + "\n".join(output)
        )
    return time.perf_counter() - started


def pg_admin_url() -> str:
    """The PostgreSQL server the benchmark creates its databases on (see PG_URL_ENV)."""
    url = os.environ.get(PG_URL_ENV, "")
    if not url:
        raise BuildError(
            f"the postgresql backend needs {PG_URL_ENV} "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres), "
            "or choose WORKBENCH_SCALE_BACKENDS=sqlite"
        )
    return url


def pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(pg_admin_url()).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def pg_database(name: str, *, fresh: bool) -> bool:
    """Whether database ``name`` exists; with ``fresh``, drop and create it first."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = make_url(pg_admin_url()).set(drivername="postgresql+psycopg")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if fresh:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                return True
            query = text("SELECT 1 FROM pg_database WHERE datname = :name")
            return conn.execute(query, {"name": name}).first() is not None
    except Exception as exc:  # a missing server is reported as one line, not a traceback
        raise BuildError(f"PostgreSQL at {admin.render_as_string()}: {exc}") from exc
    finally:
        engine.dispose()


def _prepare(backend: str, key: str) -> tuple[Path, str, dict[str, Any] | None]:
    """The cache folder and URL of ``key``, and its build record when the build finished."""
    folder = CACHE / key
    marker = folder / "build.json"
    pg_name = "wb_bench_" + hashlib.sha256(key.encode()).hexdigest()[:16]
    url = f"sqlite:///{folder / 'workbench.db'}" if backend == "sqlite" else pg_url(pg_name)
    if marker.exists() and not os.environ.get(REBUILD_ENV):
        if backend == "sqlite" or pg_database(pg_name, fresh=False):
            return folder, url, json.loads(marker.read_text(encoding="utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if backend == "postgresql":
        pg_database(pg_name, fresh=True)
    return folder, url, None


def settle(url: str) -> None:
    """``VACUUM (ANALYZE)`` a PostgreSQL database, as autovacuum keeps a desk's in use.

    A database loaded a moment ago has no visibility map yet, so PostgreSQL's index-only scans
    of the maintained label counts read the table too: the Agreement statements took 0.9-1.4 s
    on the fresh 10,000-article build and 0.3 s once vacuumed. SQLite needs nothing here: its
    statistics are refreshed by ``init`` and after every import.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    engine = create_engine(parsed, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    finally:
        engine.dispose()


def _reuse(folder: Path, url: str, name: str, info: dict[str, Any], log: Any) -> Built:
    """A cached database, upgraded to the package's schema first when it was built at an older."""
    head = schema_head()
    if info.get("upgraded_to", info.get("schema")) != head:
        seconds = run_cli(url, "init")
        log(f"  upgraded from schema {info.get('schema')} to {head} in {seconds:.1f} s")
        info = {**info, "upgraded_to": head, "upgrade_seconds": round(seconds, 3)}
        (folder / "build.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    settle(url)
    return Built(name=name, url=url, folder=folder, info=info)


def _finish(folder: Path, url: str, name: str, info: dict[str, Any]) -> Built:
    for account, role in ACCOUNTS.items():
        run_cli(url, "users", "add", account, "--role", role, "--password-stdin", stdin=PASSWORD)
    settle(url)
    (folder / "build.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return Built(name=name, url=url, folder=folder, info=info)


def build_large(backend: str, n_articles: int, seed: int = 13, log: Any = print) -> Built:
    """The generated corpus of ``n_articles`` with five reviewers' labels (cached)."""
    if backend not in BACKENDS:
        raise BuildError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    if n_articles < 1:
        raise BuildError(f"the corpus needs at least one article, not {n_articles}")
    key = f"{backend}-{n_articles}-s{seed}-c{CORPUS_VERSION}"
    folder, url, info = _prepare(backend, key)
    if info is not None:
        log(f"{backend}: cached database {key}")
        return _reuse(folder, url, "large", info, log)
    log(f"{backend}: building {n_articles} articles in {folder}")
    run_cli(url, "init")
    chunks: list[dict[str, float]] = []
    labels = 0
    for start in range(0, n_articles, CHUNK):
        size = min(CHUNK, n_articles - start)
        articles_file = folder / f"articles-{start:06d}.jsonl"
        chars = corpus.write_corpus(articles_file, size, seed, start)
        seconds = run_cli(url, "ingest", str(articles_file))
        labels_file = folder / f"labels-{start:06d}.jsonl"
        labels += corpus.write_labels(labels_file, size, seed, start)
        label_seconds = run_cli(url, "import-labels", str(labels_file))
        articles_file.unlink()
        labels_file.unlink()
        chunks.append(
            {
                "first_article": start,
                "articles": size,
                "chars": chars,
                "ingest_seconds": round(seconds, 3),
                "chars_per_second": round(chars / seconds, 1),
                "import_labels_seconds": round(label_seconds, 3),
            }
        )
        log(
            f"  articles {start}-{start + size - 1}: ingest {seconds:.1f} s "
            f"({chars / seconds:,.0f} chars/s), labels {label_seconds:.1f} s"
        )
    info = {
        "key": key,
        "schema": schema_head(),
        "articles": n_articles,
        "seed": seed,
        "labels": labels,
        "chunks": chunks,
    }
    return _finish(folder, url, "large", info)


def demo_labels(path: Path, seed: int = 13) -> int:
    """Write five reviewers' labels on every sentence of the demo articles (seeds/) to ``path``."""
    from workbench.domain.bylines import article_sentences
    from workbench.services.readers import read_text

    found = []
    for file in sorted(SEEDS.glob("*.txt")):
        for draft in read_text(file.name, file.read_bytes()):
            found.append((str(draft.id), [span.text for span in article_sentences(draft.body)]))
    return corpus.write_sentence_labels(path, found, seed)


def build_demo(backend: str, seed: int = 13, log: Any = print) -> Built:
    """The five demo articles (seeds/) with five reviewers' labels (cached)."""
    key = f"{backend}-demo-s{seed}-c{CORPUS_VERSION}"
    folder, url, info = _prepare(backend, key)
    if info is not None:
        log(f"{backend}: cached demo database {key}")
        return _reuse(folder, url, "demo", info, log)
    run_cli(url, "init")
    seconds = run_cli(url, "ingest", str(SEEDS))
    labels_file = folder / "labels.jsonl"
    labels = demo_labels(labels_file, seed)
    run_cli(url, "import-labels", str(labels_file))
    labels_file.unlink()
    info = {
        "key": key,
        "schema": schema_head(),
        "articles": 5,
        "labels": labels,
        "ingest_seconds": round(seconds, 3),
    }
    return _finish(folder, url, "demo", info)


def _copy_database(built: Built, name: str) -> str:
    """A scratch copy of a built database; its URL (SQLite: a file copy; PostgreSQL: TEMPLATE)."""
    if built.url.startswith("sqlite"):
        target = built.folder.parent / f"{name}.db"
        shutil.copyfile(built.folder / "workbench.db", target)
        return f"sqlite:///{target}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    source = make_url(built.url).database
    engine = create_engine(make_url(pg_admin_url()), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    finally:
        engine.dispose()
    return pg_url(name)


def _drop_copy(url: str, name: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()


def retime_ingest(built: Built, seed: int = 13, log: Any = print) -> dict[str, Any]:
    """Ingest throughput measured again, side by side, on whatever the machine is doing now.

    The first 1,000 articles into an empty database against the 1,000 articles after the
    corpus into a scratch copy of the built one (so a database one chunk larger than the last
    chunk of the build saw). Each is one ``workbench ingest`` run; chars per wall second.
    """
    n_articles = int(built.info["articles"])
    size = min(CHUNK, n_articles)
    figures: dict[str, Any] = {}
    backend = "sqlite" if built.url.startswith("sqlite") else "postgresql"
    for which, start in (("first", 0), ("last", n_articles)):
        name = f"wb_bench_retime_{backend}_{which}"
        if which == "first":
            url = (
                f"sqlite:///{built.folder.parent / (name + '.db')}"
                if backend == "sqlite"
                else pg_url(name)
            )
            if backend == "postgresql":
                pg_database(name, fresh=True)
            run_cli(url, "init")
        else:
            url = _copy_database(built, name)
        articles_file = built.folder.parent / f"{name}.jsonl"
        try:
            chars = corpus.write_corpus(articles_file, size, seed, start)
            seconds = run_cli(url, "ingest", str(articles_file))
        finally:
            articles_file.unlink(missing_ok=True)
            _drop_copy(url, name)
        figures[which] = {
            "first_article": start,
            "articles": size,
            "chars": chars,
            "ingest_seconds": round(seconds, 3),
            "chars_per_second": round(chars / seconds, 1),
        }
        rate = chars / seconds
        log(f"  re-timed ingest, articles {start}-{start + size - 1}: {rate:,.0f} chars/s")
    return figures
