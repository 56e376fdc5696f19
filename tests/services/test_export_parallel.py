"""Exports on several processes: the files of one process, one snapshot, failures cleaned up."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import ROOT
from workbench.db import export_queries as eq
from workbench.db.engine import Database
from workbench.db.models import Annotation, Sentence, User
from workbench.services import export, export_workers
from workbench.services.export import ExportOptions, export_dataset
from workbench.services.export_units import snapshot_session
from workbench.services.export_workers import WorkerError, WorkerSetup

SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture(autouse=True)
def small_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One article a slice, so the seed corpus makes several slices; keys in the test folder."""
    monkeypatch.setattr(export, "ARTICLE_BATCH", 1)
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY_FILE", str(tmp_path / "keys" / "pseudonym.key"))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of an export folder by name (hidden part folders would show up too)."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def exports_in(folder: Path) -> list[str]:
    """Folders an export left in ``folder``, hidden work folders included."""
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name != "keys")


@pytest.mark.parametrize(
    ("fmt", "anonymize"), [("jsonl", True), ("fever", False), ("claimreview", False)]
)
def test_processes_write_the_files_of_one_process(
    corpus: Database, tmp_path: Path, fmt: str, anonymize: bool
) -> None:
    options = ExportOptions(format=fmt, policy="majority", min_reviewers=1, anonymize=anonymize)
    one = export_dataset(corpus, out=tmp_path / "one", options=options, jobs=1)
    three = export_dataset(corpus, out=tmp_path / "three", options=options, jobs=3)
    assert (one.processes, three.processes) == (1, 3)
    assert three.manifest["counts"]["articles"] == 5
    assert three.manifest["counts"]["annotations"] > 0
    # manifest.json included: same counts, same hashes, whatever the number of processes.
    assert folder_bytes(three.folder) == folder_bytes(one.folder)
    assert exports_in(tmp_path) == ["one", "three"]
    assert multiprocessing.active_children() == []


def test_progress_counts_every_label_in_order(corpus: Database, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = export_dataset(
        corpus,
        out=tmp_path / "out",
        options=ExportOptions(policy="majority"),
        progress=lambda done, total: calls.append((done, total)),
        jobs=2,
    )
    labels = result.manifest["counts"]["annotations"]
    assert calls[-1] == (labels, labels)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_formats_with_a_header_export_in_one_process(
    corpus: Database, tmp_path: Path, fmt: str
) -> None:
    result = export_dataset(corpus, out=tmp_path / fmt, options=ExportOptions(format=fmt), jobs=2)
    assert result.processes == 1


def test_small_exports_stay_in_one_process(corpus: Database, tmp_path: Path) -> None:
    assert export_dataset(corpus, out=tmp_path / "o", options=ExportOptions()).processes == 1


def test_a_failed_export_stops_its_workers_and_leaves_nothing(
    corpus: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: export_workers._Slices, index: int) -> export_workers.SliceResult:
        raise OSError("disk full")

    # Only this process's slices fail: the worker runs the real code meanwhile.
    monkeypatch.setattr(export_workers._Slices, "run", fail)
    with pytest.raises(OSError, match="disk full"):
        export_dataset(corpus, out=tmp_path / "out", options=ExportOptions(), jobs=2)
    assert exports_in(tmp_path) == []
    assert multiprocessing.active_children() == []
    with corpus.write() as session:  # the write lock was let go
        session.add(User(name="after", role="reviewer"))


def _exit_at_once() -> None:
    os._exit(3)


def test_a_worker_that_dies_is_an_error() -> None:
    process = SPAWN.Process(target=_exit_at_once, daemon=True)
    process.start()
    workers = export_workers._Workers([process], SPAWN.Queue())
    with pytest.raises(WorkerError, match="stopped unexpectedly"):
        workers.collect(block=True)
    workers.stop()
    assert process.exitcode == 3


def test_a_worker_that_fails_reports_why(tmp_path: Path) -> None:
    setup = WorkerSetup(
        url=f"sqlite:///{tmp_path}/no/such/x.db",
        settings=ExportOptions().settings(),
        key=None,
        snapshot=None,
        staged=tmp_path,
        slices=[["a"]],
        parent=os.getpid(),
    )
    (tmp_path / "no").write_text("a file where the folder would be")
    ready, counter, results = SPAWN.Semaphore(0), SPAWN.Value("q", 0), SPAWN.Queue()
    process = SPAWN.Process(
        target=export_workers._worker, args=(setup, ready, counter, results), daemon=True
    )
    process.start()
    workers = export_workers._Workers([process], results)
    with pytest.raises(WorkerError, match=r"failed:[\s\S]*(FileExistsError|NotADirectoryError)"):
        while workers.running:
            workers.collect(block=True)
    workers.stop()


def test_writes_wait_on_sqlite_until_every_worker_reads(db: Database) -> None:
    ready = SPAWN.Semaphore(0)
    fence = export_workers._Fence(db, ready, workers=1)
    if not db.is_sqlite:
        # PostgreSQL hands its snapshot over (next test): writes never wait for an export.
        with db.write() as session:
            session.add(User(name="writer", role="reviewer"))
        fence.close()
        return
    other = sqlite3.connect(str(db.engine.url.database), timeout=0.05, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    fence.check()  # the worker has not signalled yet
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    ready.release()
    fence.check()
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    fence.close()


def test_a_shared_snapshot_hides_later_writes(corpus: Database) -> None:
    def count(session: object) -> int:
        return int(session.scalar(select(func.count(Annotation.id))) or 0)  # type: ignore[attr-defined]

    with snapshot_session(corpus) as first:
        snapshot = eq.share_snapshot(first)
        before = count(first)
        if corpus.is_sqlite:
            assert snapshot is None
            return  # SQLite's guarantee is the fence above
        assert snapshot is not None
        with corpus.write() as session:
            sentence = session.scalars(select(Sentence.id).order_by(Sentence.id.desc())).first()
            user = session.scalars(select(User.id)).first()
            session.add(Annotation(sentence_id=sentence, user_id=user, label="verified"))
        with corpus.read() as second:
            eq.use_snapshot(second, snapshot)
            assert count(second) == before
        with corpus.read() as fresh:
            assert count(fresh) == before + 1


def test_a_snapshot_id_is_checked(db: Database) -> None:
    with db.read() as session, pytest.raises(ValueError, match="not a PostgreSQL snapshot id"):
        eq.use_snapshot(session, "1'; DROP TABLE users; --")


UNGUARDED_SCRIPT = """
import sys
from pathlib import Path
from workbench.db.engine import Database
from workbench.services import export

export.ARTICLE_BATCH = 1
result = export.export_dataset(
    Database.from_url(sys.argv[1]), out=Path(sys.argv[2]), options=export.ExportOptions(), jobs=2
)
print("exported with", result.processes, "processes")
"""


def test_workers_do_not_run_the_callers_script_again(
    corpus: Database, database_url: str, tmp_path: Path
) -> None:
    # As the app's page scripts: a file run as __main__, with no `if __name__` guard.
    script = tmp_path / "export_script.py"
    script.write_text(UNGUARDED_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), database_url, str(tmp_path / "out")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["exported with 2 processes"]
    assert (tmp_path / "out" / "manifest.json").is_file()
