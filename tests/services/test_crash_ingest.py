"""Crash safety: SIGKILL in the middle of ingesting a large folder leaves a consistent database."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.db.engine import Database
from workbench.domain.segment import split_sentences
from workbench.services.ingest import ingest_paths

FILES = 40
ROOT = Path(__file__).resolve().parents[2]


def write_corpus(folder: Path) -> None:
    """FILES distinct articles of sixteen sentences each (a headline and three paragraphs)."""
    folder.mkdir()
    for n in range(FILES):
        paragraphs = [
            " ".join(
                f"Officials in district {n} said {p * 10 + s} people attended on Tuesday."
                for s in range(5)
            )
            for p in range(3)
        ]
        text = f"Report number {n} from the border\n\n" + "\n\n".join(paragraphs)
        (folder / f"article_{n:04d}.txt").write_text(text, encoding="utf-8")


def count_articles(path: Path) -> int:
    with sqlite3.connect(path, timeout=30) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


@pytest.mark.slow
def test_sigkill_during_ingest_leaves_a_consistent_database(
    tmp_path: Path, sqlite_template: Path
) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    path = tmp_path / "crash.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    command = [sys.executable, "-c", "from workbench.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "--db", url, "ingest", str(corpus)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while count_articles(path) < 5:
            assert process.poll() is None, "ingest ended before it could be killed"
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM sentences WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
        assert orphans == 0
        articles = conn.execute("SELECT id, body FROM articles").fetchall()
        assert 5 <= len(articles) < FILES
        for article_id, body in articles:
            stored = conn.execute(
                'SELECT "index", start, "end", text FROM sentences '
                'WHERE article_id = ? ORDER BY "index"',
                (article_id,),
            ).fetchall()
            expected = [(s.index, s.start, s.end, s.text) for s in split_sentences(body)]
            assert stored == expected, article_id

    # Running the same ingest again completes the job without duplicates.
    db = Database.from_url(url)
    try:
        report = ingest_paths(db, sources=[str(corpus)])
    finally:
        db.dispose()
    assert report.errors == []
    assert len(report.added) + len(report.duplicates) == FILES
    assert len(report.duplicates) == len(articles)
    assert count_articles(path) == FILES
