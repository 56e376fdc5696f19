"""`workbench ingest`: exit codes, exact messages and the rows it leaves behind."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import SEEDS
from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import Article, Sentence

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


def ingest(database_url: str, *sources: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", database_url, "ingest", *map(str, sources)])
    return result.exit_code, result.stdout, result.stderr


def counts(db: Database) -> tuple[int, int]:
    with db.read() as session:
        articles = session.scalar(select(func.count()).select_from(Article)) or 0
        sentences = session.scalar(select(func.count()).select_from(Sentence)) or 0
    return articles, sentences


def test_seeds_then_again_adds_nothing(db: Database, database_url: str) -> None:
    assert ingest(database_url, SEEDS) == (
        0,
        "5 article(s) added, 0 already present, 0 error(s)\n",
        "",
    )
    loaded = counts(db)
    assert loaded[0] == 5 and loaded[1] > 50
    assert ingest(database_url, SEEDS) == (
        0,
        "0 article(s) added, 5 already present, 0 error(s)\n",
        "",
    )
    assert counts(db) == loaded


def test_bad_files_are_reported_and_good_files_still_load(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    shutil.copytree(DATA, folder)
    (folder / "broken.jsonl").write_text(
        '{"id": "fine", "body": "A fine record."}\n{"id": "broken", "body": 42}\n'
    )
    (folder / "zero.txt").write_bytes(b"")
    code, out, err = ingest(database_url, folder, tmp_path / "missing.md")
    assert code == 1
    assert err == (
        f"error: {folder / 'broken.jsonl'}:2: field 'body' must be a string, not int\n"
        f"error: {folder / 'zero.txt'}: file is empty\n"
        f"error: {tmp_path / 'missing.md'}: no such file or folder\n"
    )
    assert out == "8 article(s) added, 0 already present, 3 error(s)\n"
    with db.read() as session:
        ids = set(session.scalars(select(Article.id)))
    assert "fine" not in ids and "broken" not in ids
    assert {"bom", "briefing", "ceasefire", "geneva-talks", "relief-convoy", "windows1252"} <= ids
    assert len(ids) == 8


def test_single_file_rows(db: Database, database_url: str) -> None:
    assert ingest(database_url, DATA / "ceasefire.html")[0] == 0
    with db.read() as session:
        article = session.get(Article, "ceasefire")
        assert article is not None
        rows = [(s.index, s.text) for s in article.sentences]
    assert rows == [
        (0, "Talks resume after border ceasefire"),
        (
            1,
            "Officials from both countries met in Geneva on Thursday, the first direct talks "
            "since the ceasefire took hold on May 10.",
        ),
        (
            2,
            "The U.S. State Department said the meeting lasted four hours and ended at 6 p.m. "
            "local time.",
        ),
        (
            3,
            'Gen. Asif Khan, who led one delegation, called the session "constructive but '
            'difficult."',
        ),
        (
            4,
            "According to a joint statement, 26 people were killed during the four days of "
            "fighting.",
        ),
        (5, "Independent monitors put the figure at 31."),
        (6, "Both sides agreed to meet again within two weeks, the statement said."),
    ]


def test_no_source_is_a_usage_error(database_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", database_url, "ingest"])
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr
    assert result.stdout == ""


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the fixture folder without logging every request."""

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def site() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(DATA))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_sources(db: Database, database_url: str, site: str) -> None:
    # The test site is on loopback, which a fetch refuses unless allowed.
    code, out, err = ingest(
        database_url, "--allow-private", f"{site}/ceasefire.html", f"{site}/gone.html"
    )
    assert (code, out) == (1, "1 article(s) added, 0 already present, 1 error(s)\n")
    assert err == f"error: {site}/gone.html: HTTP 404 File not found\n"
    with db.read() as session:
        [article] = session.scalars(select(Article)).all()
        assert article.id.startswith("talks-resume-after-border-ceasefire-")
        assert (article.source, article.url, article.author) == (
            f"{site}/ceasefire.html",
            "https://herald.example.org/world/talks-resume",
            "Jane Reporter",
        )
        assert len(article.sentences) == 7
    assert ingest(database_url, "--allow-private", f"{site}/ceasefire.html")[:2] == (
        0,
        "0 article(s) added, 1 already present, 0 error(s)\n",
    )
