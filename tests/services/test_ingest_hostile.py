"""Hostile input matrix: every case through the CLI and through ingest_upload.

Each case gets one clear message naming the file (and line), and leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import Article, Sentence
from workbench.services.ingest import ingest_upload

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
TWENTY_MB = 20 * 1024 * 1024


def _long_jsonl_with_bad_last_line() -> bytes:
    lines = [
        f'{{"id": "a{n}", "body": "Article number {n} says something."}}' for n in range(99_999)
    ]
    lines.append('{"id": "last", "title": "The last line has no body"}')
    return ("\n".join(lines) + "\n").encode()


def _large_jsonl_article() -> bytes:
    return b'{"id": "huge", "body": "' + b"a" * TWENTY_MB + b'"}\n'


# case -> (file name, content factory, message after "<name>")
CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "empty": ("empty.txt", lambda: b"", ": file is empty"),
    "whitespace_only": (
        "blank.txt",
        lambda: b"  \r\n\t\n   \n",
        ": file has no text (only whitespace)",
    ),
    "binary": (
        "photo.txt",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        ": binary file (NUL byte), not text",
    ),
    "wrong_encoding": (
        "latin.txt",
        lambda: b"caf\xe9 ok\nbad \x81 byte\n",
        ":2: not UTF-8 or Windows-1252 text (byte 0x81)",
    ),
    "truncated_json_line": (
        "cut.jsonl",
        lambda: b'{"body": "Complete."}\n{"id": "x", "body": "The talks',
        ":2: invalid JSON at column 21: unterminated string",
    ),
    "missing_fields_jsonl": (
        "fields.jsonl",
        lambda: b'{"body": "Complete."}\n{"title": "Headline only"}\n',
        ":2: missing field 'body' (or 'text')",
    ),
    "missing_fields_csv": (
        "fields.csv",
        lambda: b"id,title\nx,Headline only\n",
        ":1: header has no 'body' (or 'text') column",
    ),
    "article_20mb_txt": (
        "huge.txt",
        lambda: b"word " * (TWENTY_MB // 5),
        ": file is too large: 20,971,520 bytes; the limit is 10,000,000",
    ),
    "article_20mb_jsonl": (
        "huge.jsonl",
        _large_jsonl_article,
        ":1: article is too large: 20,971,520 characters; the limit is 2,000,000",
    ),
    "jsonl_100k_bad_last_line": (
        "long.jsonl",
        _long_jsonl_with_bad_last_line,
        ":100000: missing field 'body' (or 'text')",
    ),
}


def state(db: Database) -> tuple[list[str], int]:
    """Article ids and the number of sentences."""
    with db.read() as session:
        ids = list(session.scalars(select(Article.id).order_by(Article.id)))
        sentences = session.scalar(select(func.count()).select_from(Sentence)) or 0
    return ids, sentences


@pytest.fixture
def db_with_one_article(db: Database, database_url: str) -> Database:
    ingest_upload(db, filename="bom.txt", data=(DATA / "bom.txt").read_bytes())
    assert state(db) == (["bom"], 2)
    return db


HEAVY = {"article_20mb_txt", "article_20mb_jsonl", "jsonl_100k_bad_last_line"}
CASE_PARAMS = [
    pytest.param(case, marks=pytest.mark.slow) if case in HEAVY else case for case in sorted(CASES)
]


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_cli_file(
    case: str, db_with_one_article: Database, database_url: str, tmp_path: Path
) -> None:
    name, content, message = CASES[case]
    path = tmp_path / name
    path.write_bytes(content())
    result = CliRunner().invoke(app, ["--db", database_url, "ingest", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {path}{message}\n"
    assert result.stdout == "0 article(s) added, 0 already present, 1 error(s)\n"
    assert state(db_with_one_article) == (["bom"], 2)


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_upload(case: str, db_with_one_article: Database) -> None:
    name, content, message = CASES[case]
    report = ingest_upload(db_with_one_article, filename=name, data=content())
    assert (report.added, report.duplicates) == ([], [])
    assert [str(error) for error in report.errors] == [f"{name}{message}"]
    assert state(db_with_one_article) == (["bom"], 2)
