"""Hostile label files through ``workbench import-labels``: exit 1, exact lines, nothing stored.

The importer's own matrix is in tests/services/test_import.py; these check what a user of the
command sees (stderr line for line, empty stdout) and cover paths that are not files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import SEEDS
from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry, EvidenceItem, User
from workbench.services.ingest import ingest_paths

A = "000_b5ddb462525d61c6"
runner = CliRunner()


def line(**fields: object) -> bytes:
    """One JSON Lines line."""
    return orjson.dumps(fields) + b"\n"


def ok(**fields: object) -> dict[str, object]:
    """A valid line's fields, overridden by ``fields``."""
    return {"article": A, "sentence": 1, "reviewer": "ana", "label": "unsourced", **fields}


@pytest.fixture
def one_article(db: Database) -> Database:
    """A database holding the first seed article only."""
    assert ingest_paths(db, sources=[str(SEEDS / f"{A}.txt")]).added == [A]
    return db


def counts(db: Database) -> tuple[int, ...]:
    """Rows in annotations, evidence items, audit log and users."""
    with db.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Annotation, EvidenceItem, AuditEntry, User)
        )


# case -> (file content, the problem after "<path>")
CASES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", ": file is empty"),
    "whitespace": (b" \n\t\r\n\n", ": file holds no label lines"),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00",
        ": binary file (NUL bytes); expected UTF-8 JSON Lines",
    ),
    "cp1252": (
        '{"article": "caf\u00e9"}\n'.encode("cp1252"),
        ":1: not UTF-8 text (byte 17); save as UTF-8",
    ),
    "truncated": (
        line(**ok()) + b'{"article": "' + A.encode(),
        ":2: invalid JSON (truncated line?): unexpected end of data: line 1 column 34 (char 33)",
    ),
    "missing": (line(article=A, sentence=1), ":1: missing field(s): reviewer, label"),
    "unknown-article": (line(**ok(article="nope")), ":1: unknown article 'nope'"),
    "unknown-sentence": (
        line(**ok(sentence=500)),
        f":1: article '{A}' has no sentence 500 (it has 13)",
    ),
    "bad-label": (
        line(**ok(label="true")),
        ":1: bad label 'true'; expected one of verified, disputed, unsourced, not_a_claim",
    ),
    "javascript-url": (
        line(
            **ok(label="disputed", evidence=[{"url": "javascript:alert(1)", "stance": "refutes"}])
        ),
        ":1: evidence item 1: evidence url must start with http:// or https://, "
        "got 'javascript:alert(1)'",
    ),
    "data-url": (
        line(**ok(label="verified", evidence=[{"url": "data:text/html,x", "stance": "supports"}])),
        ":1: evidence item 1: evidence url must start with http:// or https://, "
        "got 'data:text/html,x'",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_label_file(
    case: str, one_article: Database, database_url: str, tmp_path: Path
) -> None:
    content, problem = CASES[case]
    path = tmp_path / "labels.jsonl"
    path.write_bytes(content)
    before = counts(one_article)
    result = runner.invoke(app, ["--db", database_url, "import-labels", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}{problem}",
        "error: nothing imported: 1 problem(s)",
    ]
    assert counts(one_article) == before


def test_missing_file(one_article: Database, database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "absent.jsonl"
    result = runner.invoke(app, ["--db", database_url, "import-labels", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {path}: cannot read file: No such file or directory\n"
    assert counts(one_article) == (0, 0, 0, 0)


def test_folder_instead_of_file(one_article: Database, database_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", database_url, "import-labels", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path}: cannot read file: Is a directory\n"
    assert counts(one_article) == (0, 0, 0, 0)


@pytest.mark.parametrize("source", ["-", "/dev/stdin"])
def test_labels_are_read_from_a_pipe(one_article: Database, database_url: str, source: str) -> None:
    """``import-labels -`` (or /dev/stdin) reads a pipe, which cannot seek back."""
    command = [sys.executable, "-c", "from workbench.cli import main; main()"]
    done = subprocess.run(
        [*command, "--db", database_url, "import-labels", source],
        input=line(**ok()) + line(**ok(reviewer="ben", label="not_a_claim")),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("imported 2 label(s)")
    assert counts(one_article)[0] == 2


def test_an_empty_pipe_is_named_empty(one_article: Database, database_url: str) -> None:
    """An empty pipe is refused as an empty file, nothing stored."""
    command = [sys.executable, "-c", "from workbench.cli import main; main()"]
    done = subprocess.run(
        [*command, "--db", database_url, "import-labels", "-"],
        input=b"",
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "/dev/stdin: file is empty" in done.stderr.decode()
    assert counts(one_article)[0] == 0
