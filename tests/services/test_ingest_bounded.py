"""Bounded input, and one bad file is one error line: the good files of the call still load."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import Article
from workbench.services import readers
from workbench.services.ingest import ingest_paths

GOOD = "Council passes budget\n\nThe council approved the budget. It passed 7 to 2.\n"
HOSTILE = {
    "deep.jsonl": (
        b'{"id": "fine", "body": "Fine."}\n' + b"[" * 2_000 + b"]" * 2_000 + b"\n",
        ":2: JSON is nested too deeply (more than 1,024 levels)",
    ),
    "deep-object.jsonl": (
        b'{"body": ' + b'{"a": ' * 2_000 + b"1" + b"}" * 2_001 + b"\n",
        ":1: JSON is nested too deeply (more than 1,024 levels)",
    ),
    "big.jsonl": (
        b'{"id": ' + b"9" * 5_000 + b', "body": "The council met."}\n',
        ":1: number with 5,000 digits is too large (at most 19 digits)",
    ),
    "nul.jsonl": (
        b'{"title": "Budget", "outlet": "Daily\\u0000Wire", "body": "The council met."}\n',
        ":1: field 'outlet' contains a NUL character",
    ),
    "nul-id.csv": (
        b'id,body\n"a\x00b",The council met.\n',
        ": binary file (NUL byte), not text",
    ),
    "title.jsonl": (
        b'{"title": "' + b"t" * 5_000_000 + b'", "body": "The council met."}\n',
        ":1: field 'title' is longer than 1,000 characters",
    ),
    "author.csv": (
        b"title,author,body\nBudget," + b"a" * 301 + b",The council met.\n",
        ":2: field 'author' is longer than 300 characters",
    ),
    "page.html": (
        b"<html><head><title>"
        + b"t " * 600_000
        + b"</title></head><body><article><p>"
        + b"The council approved the budget on Monday after a long debate. " * 5
        + b"</p></article></body></html>",
        ": field 'title' is longer than 1,000 characters",
    ),
}


def stored_ids(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Article.id).order_by(Article.id)))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, (data, _) in HOSTILE.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "zz-good.txt").write_text(GOOD)
    return tmp_path


@pytest.mark.timeout(120)
def test_each_hostile_file_is_one_line_and_the_good_one_loads(db: Database, folder: Path) -> None:
    report = ingest_paths(db, sources=[str(folder / name) for name in [*HOSTILE, "zz-good.txt"]])
    assert [str(error) for error in report.errors] == [
        f"{folder / name}{message}" for name, (_, message) in HOSTILE.items()
    ]
    assert report.added == ["zz-good"]
    assert stored_ids(db) == ["zz-good"]


def test_an_unexpected_failure_is_that_files_error_line(
    db: Database, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(name: str, data: bytes) -> list[object]:
        raise ZeroDivisionError(f"{name} could not be divided")

    monkeypatch.setitem(readers.READERS, ".md", broken)
    (folder / "notes.md").write_text(GOOD)
    report = ingest_paths(db, sources=[str(folder / "notes.md"), str(folder / "zz-good.txt")])
    assert [str(error) for error in report.errors] == [
        f"{folder / 'notes.md'}: could not be loaded (unexpected ZeroDivisionError)"
    ]
    assert report.added == ["zz-good"]


@pytest.mark.timeout(120)
def test_cli_prints_one_line_per_bad_file(db: Database, database_url: str, folder: Path) -> None:
    names = ["deep.jsonl", "big.jsonl", "nul.jsonl", "zz-good.txt"]
    result = CliRunner().invoke(
        app, ["--db", database_url, "ingest", *(str(folder / name) for name in names)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {folder / name}{HOSTILE[name][1]}" for name in names[:3]
    ]
    assert result.stdout == "1 article(s) added, 0 already present, 3 error(s)\n"
    assert stored_ids(db) == ["zz-good"]
