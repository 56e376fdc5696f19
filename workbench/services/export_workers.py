"""Large exports on several processes: slices of articles exported side by side, joined in order.

Every process reads the same snapshot of the database. PostgreSQL hands the export's snapshot
to the other sessions (``pg_export_snapshot``). SQLite has no such call, so the export holds the
write lock while the worker processes open their read transactions (no write can commit in
between) and lets it go as soon as all have: a WAL reader keeps seeing what it first saw.

The processes, this one included, take the next slice from a shared counter until none is left,
so none waits while another has work. Each slice is written into a part folder of its own
without fsync; this process appends the parts to the published files in slice order, hashing
them on the way, so the files are byte-identical to a one-process export.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import queue
import shutil
import sys
import traceback
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy.orm import Session

from workbench.db import export_queries as eq
from workbench.db.engine import Database
from workbench.exporters import WRITERS
from workbench.exporters.base import BUFFER_BYTES, fsync_close
from workbench.exporters.card import ExportSettings
from workbench.exporters.records import ExportStats, Pseudonyms
from workbench.services.export_units import ArticleExporter, snapshot_session

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized
    from multiprocessing.synchronize import Semaphore

Progress = Callable[[int, int], None]
# How often this process looks at the workers while it waits for their results (seconds).
POLL_SECONDS = 0.05


class WorkerError(RuntimeError):
    """A worker process of a parallel export failed; the export is abandoned."""


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    """What a worker process needs to export slices as this process does."""

    url: str
    settings: ExportSettings
    key: bytes | None
    snapshot: str | None
    staged: Path
    slices: Sequence[list[str]]
    # The exporting process: a worker whose parent is gone (killed) stops taking slices.
    parent: int


@dataclass(frozen=True, slots=True)
class SliceResult:
    """One exported slice: what it counted, the records of each part file, its labels."""

    index: int
    stats: ExportStats
    records: dict[str, int]
    labels: int


def part_folder(staged: Path, index: int) -> Path:
    """Where slice ``index`` writes its files inside the export's hidden work folder."""
    return staged / f".part-{index:06d}"


class _Slices:
    """Takes slices off the shared counter and exports them into part folders."""

    def __init__(
        self,
        exporter: ArticleExporter,
        settings: ExportSettings,
        staged: Path,
        slices: Sequence[list[str]],
        counter: Synchronized[int],
    ):
        self.exporter, self.staged, self.slices, self.counter = exporter, staged, slices, counter
        self.writer_class = WRITERS[settings.format]

    def take(self) -> int | None:
        """The index of the next slice nobody has taken, or None when all are taken."""
        with self.counter.get_lock():
            index = self.counter.value
            if index >= len(self.slices):
                return None
            self.counter.value = index + 1
        return index

    def run(self, index: int) -> SliceResult:
        """Export slice ``index`` into its part folder."""
        folder = part_folder(self.staged, index)
        folder.mkdir()
        writer = self.writer_class(folder, durable=False)
        stats = ExportStats()
        labels = self.exporter.export(self.slices[index], writer, stats)
        return SliceResult(index, stats, writer.close(), labels)


def _worker(
    setup: WorkerSetup,
    ready: Semaphore,
    counter: Synchronized[int],
    results: multiprocessing.Queue[Any],
) -> None:
    """A worker process: read the export's snapshot, export slices until none is left."""
    if os.getppid() != setup.parent:
        return  # the exporting process died while this one started: nobody waits for it
    # As in the main process: the export's objects form no cycles worth collecting.
    gc.disable()
    try:
        db = Database.from_url(setup.url)
        try:
            with db.read() as session:
                eq.use_snapshot(session, setup.snapshot)
                ready.release()
                exporter = ArticleExporter(session, setup.settings, Pseudonyms(setup.key))
                slices = _Slices(exporter, setup.settings, setup.staged, setup.slices, counter)
                while os.getppid() == setup.parent and (index := slices.take()) is not None:
                    results.put(slices.run(index))
        finally:
            db.dispose()
    except BaseException:
        results.put(traceback.format_exc())
        raise
    results.put(None)


class _Joiner:
    """Appends finished slices to the published files in slice order, hashing what it writes."""

    def __init__(self, staged: Path, files: Sequence[str], stats: ExportStats):
        self.staged, self.stats = staged, stats
        self.records = dict.fromkeys(files, 0)
        self.digests = {name: hashlib.sha256() for name in files}
        self.targets: dict[str, BinaryIO] = {
            name: open(staged / name, "wb", buffering=0)  # noqa: SIM115
            for name in files
        }
        self.finished: dict[int, SliceResult] = {}
        self.joined = 0
        self.labels = 0

    def add(self, result: SliceResult) -> bool:
        """Take a finished slice; True when it or earlier ones could be appended."""
        self.finished[result.index] = result
        appended = False
        while self.joined in self.finished:
            ready = self.finished.pop(self.joined)
            folder = part_folder(self.staged, ready.index)
            for name, target in self.targets.items():
                digest = self.digests[name]
                with open(folder / name, "rb") as part:
                    while block := part.read(BUFFER_BYTES):
                        digest.update(block)
                        target.write(block)
                self.records[name] += ready.records[name]
            shutil.rmtree(folder)
            self.stats.merge(ready.stats)
            self.labels += ready.labels
            self.joined += 1
            appended = True
        return appended

    def close(self) -> dict[str, str]:
        """fsync and close the files; return their SHA-256 (hex) by file name."""
        for target in self.targets.values():
            fsync_close(target)
        return {name: digest.hexdigest() for name, digest in self.digests.items()}


class _Fence:
    """The SQLite write lock, held until every worker process has opened its read transaction."""

    def __init__(self, db: Database, ready: Semaphore, workers: int):
        self._stack = ExitStack()
        self._ready, self._waiting = ready, workers if db.is_sqlite else 0
        if self._waiting:
            # BEGIN IMMEDIATE: writers queue until the workers have read what this process reads.
            self._stack.enter_context(db.write()).connection()

    def check(self) -> None:
        """Let writes through once the last worker has signalled that it reads the snapshot."""
        while self._waiting and self._ready.acquire(block=False):
            self._waiting -= 1
        if not self._waiting:
            self._stack.close()

    def close(self) -> None:
        self._stack.close()


class _Workers:
    """The worker processes and the results they send back."""

    def __init__(self, processes: list[SpawnProcess], results: multiprocessing.Queue[Any]):
        self.processes, self.results = processes, results
        self.running = len(processes)

    def collect(self, *, block: bool) -> list[SliceResult]:
        """Results sent so far (waiting for one when ``block``); WorkerError if a worker failed."""
        collected: list[SliceResult] = []
        while self.running:
            wait = block and not collected
            try:
                item = self.results.get(timeout=POLL_SECONDS) if wait else self.results.get_nowait()
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in self.processes):
                    raise WorkerError("an export worker process stopped unexpectedly") from None
                if wait:
                    continue
                break
            if item is None:
                self.running -= 1
            elif isinstance(item, str):
                raise WorkerError(f"an export worker process failed:\n{item}")
            else:
                collected.append(item)
        return collected

    def stop(self) -> None:
        """Wait for the workers to exit; stop those still working (the export failed)."""
        for process in self.processes:
            if self.running and process.is_alive():
                process.terminate()
            process.join()


@contextmanager
def _bare_main() -> Iterator[None]:
    """While workers start, a ``__main__`` module that names no file.

    A spawned child first runs the parent's ``__main__`` file again (multiprocessing's rule for
    scripts): in the app that is the Streamlit page script, which must not run there, and a
    script calling ``export_dataset`` without an ``if __name__ == "__main__"`` guard would
    export again in each worker. The workers need nothing from it.
    """
    main = sys.modules.get("__main__")
    bare = sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        # Streamlit swaps ``__main__`` for each script run: put back only what was replaced.
        if sys.modules.get("__main__") is bare and main is not None:
            sys.modules["__main__"] = main


def export_in_processes(
    db: Database,
    *,
    settings: ExportSettings,
    key: bytes | None,
    staged: Path,
    processes: int,
    plan: Callable[[Session], list[list[str]]],
    stats: ExportStats,
    progress: Progress | None = None,
    total: int = 0,
) -> tuple[dict[str, int], dict[str, str]]:
    """Export on ``processes`` processes (this one included) into ``staged``.

    ``plan`` lists the slices of article ids, read in this process's session. Returns the
    records and the SHA-256 of each file.
    """
    context = multiprocessing.get_context("spawn")
    ready, counter, results = context.Semaphore(0), context.Value("q", 0), context.Queue()
    joiner = _Joiner(staged, WRITERS[settings.format].files, stats)
    fence = _Fence(db, ready, processes - 1)
    try:
        with snapshot_session(db) as session:
            snapshot = eq.share_snapshot(session)
            slices = plan(session)
            url = db.engine.url.render_as_string(hide_password=False)
            setup = WorkerSetup(url, settings, key, snapshot, staged, slices, os.getpid())
            exporter = ArticleExporter(session, settings, Pseudonyms(key))
            mine = _Slices(exporter, settings, staged, slices, counter)
            started = [
                context.Process(target=_worker, args=(setup, ready, counter, results), daemon=True)
                for _ in range(processes - 1)
            ]
            with _bare_main():
                for process in started:
                    process.start()
            workers = _Workers(started, results)
            try:
                while True:
                    index = mine.take()
                    finished = [] if index is None else [mine.run(index)]
                    fence.check()
                    finished += workers.collect(block=index is None)
                    joined = [joiner.add(result) for result in finished]  # every one of them
                    if any(joined) and progress is not None:
                        progress(joiner.labels, total)
                    if index is None and not workers.running:
                        break
            finally:
                workers.stop()
    finally:
        fence.close()
    if joiner.joined != len(slices):
        raise WorkerError(f"{len(slices) - joiner.joined} slice(s) of the export never arrived")
    return joiner.records, joiner.close()
