"""Crash safety: SIGKILL in the middle of ``workbench import-labels`` stores no label at all.

The import is one write transaction, so a process killed while it writes leaves the database
exactly as it was: integrity check ok, no orphan rows, no annotation, evidence, audit row or
reviewer account of the file.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.conftest import SEEDS
from workbench.db.engine import Database
from workbench.services.ingest import ingest_paths

LINES = 20_000
ROOT = Path(__file__).resolve().parents[2]
CHECKS = {
    "annotation without sentence": (
        "SELECT count(*) FROM annotations WHERE sentence_id NOT IN (SELECT id FROM sentences)"
    ),
    "annotation without user": (
        "SELECT count(*) FROM annotations WHERE user_id NOT IN (SELECT id FROM users)"
    ),
    "evidence without annotation": (
        "SELECT count(*) FROM evidence_items WHERE gold_label_id IS NULL "
        "AND (annotation_id IS NULL OR annotation_id NOT IN (SELECT id FROM annotations))"
    ),
    "annotation without audit row": (
        "SELECT count(*) FROM annotations WHERE id NOT IN (SELECT entity_id FROM audit_log "
        "WHERE entity = 'annotation' AND action = 'create')"
    ),
}


def write_labels(path: Path, sentences: list[tuple[str, int]]) -> None:
    """LINES label lines over the seed sentences, new reviewers, a third with evidence."""
    with open(path, "wb") as handle:
        for number in range(LINES):
            article, index = sentences[number % len(sentences)]
            record: dict[str, object] = {
                "article": article,
                "sentence": index,
                "reviewer": f"crash{number // len(sentences):04d}",
                "label": "unsourced",
                "note": f"line {number + 1}",
            }
            if number % 3 == 0:
                record["label"] = "disputed"
                record["evidence"] = [
                    {"url": f"https://example.org/{number}", "quote": "q", "stance": "refutes"}
                ]
            handle.write(orjson.dumps(record) + b"\n")


def counts(path: Path) -> dict[str, int]:
    """Rows in the tables an import writes."""
    with sqlite3.connect(path, timeout=30) as conn:
        return {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("annotations", "evidence_items", "audit_log", "users")
        }


def writer_active(path: Path) -> bool:
    """True while another connection holds the SQLite write lock (the import's transaction)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
    return False


def assert_consistent(path: Path) -> None:
    """Integrity check, foreign keys, and no orphan or unaudited rows."""
    with sqlite3.connect(path, timeout=30) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for what, query in CHECKS.items():
            assert conn.execute(query).fetchone()[0] == 0, what


@pytest.mark.slow
def test_sigkill_during_label_import_stores_nothing(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "crash.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    db = Database.from_url(url)
    try:
        assert len(ingest_paths(db, sources=[str(SEEDS)]).added) == 5
    finally:
        db.dispose()
    with sqlite3.connect(path) as conn:
        sentences = conn.execute('SELECT article_id, "index" FROM sentences ORDER BY id').fetchall()
    labels = tmp_path / "labels.jsonl"
    write_labels(labels, sentences)
    before = counts(path)
    assert before == {"annotations": 0, "evidence_items": 0, "audit_log": 0, "users": 0}

    command = [sys.executable, "-c", "from workbench.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "--db", url, "import-labels", str(labels)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not writer_active(path):  # pass one (checking) holds no write lock
            assert process.poll() is None, "import ended before it could be killed"
            assert time.monotonic() < deadline, "import never started writing"
            time.sleep(0.01)
        time.sleep(0.5)  # well into the write transaction
        assert process.poll() is None, "import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL

    assert_consistent(path)
    assert counts(path) == before  # all or nothing: nothing
