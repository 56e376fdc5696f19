"""Key files: made once, atomically, never empty; a short or empty key file is refused."""

from __future__ import annotations

import multiprocessing
import os
import stat
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from workbench import config
from workbench.errors import WorkbenchError
from workbench.keyfile import MIN_KEY_CHARS, read_or_create

PROCESSES = 4
TRIALS = 300


@contextmanager
def _bare_main() -> Iterator[None]:
    """A ``__main__`` naming no file while spawned children start: they must not run a page
    script an AppTest of the same test session left as ``__main__`` (spawn runs that file)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _race_worker(folders: list[str], use_export: bool, start: Barrier, out: object) -> None:
    """Runs in a spawned process: at each trial, wait for the others, then read or make the key."""
    from workbench.services import export

    keys = []
    for folder in folders:
        path = Path(folder) / ("pseudonym.key" if use_export else "session.key")
        start.wait()
        if use_export:
            os.environ[config.PSEUDONYM_KEY_FILE_ENV] = str(path)
            keys.append(export.pseudonym_key().decode())
        else:
            keys.append(read_or_create(path).decode())
    out.put(keys)  # type: ignore[attr-defined]


@pytest.mark.parametrize("use_export", [False, True], ids=["session.key", "pseudonym.key"])
def test_four_processes_making_a_key_at_once_all_read_the_same_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_export: bool
) -> None:

    monkeypatch.delenv(config.PSEUDONYM_KEY_ENV, raising=False)
    folders = [str(tmp_path / f"trial{i:03d}" / "db") for i in range(TRIALS)]
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES, timeout=60)  # a worker that died fails the others
    out = context.Queue()
    workers = [
        context.Process(target=_race_worker, args=(folders, use_export, start, out))
        for _ in range(PROCESSES)
    ]
    with _bare_main():  # the children must not re-run a page script an AppTest left as __main__
        for worker in workers:
            worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    reads = [key for keys in results for key in keys]
    assert len(reads) == PROCESSES * TRIALS
    empty = sum(1 for key in reads if len(key) < MIN_KEY_CHARS)
    differing = sum(1 for trial in zip(*results, strict=True) if len(set(trial)) != 1)
    assert (empty, differing) == (0, 0)
    name = "pseudonym.key" if use_export else "session.key"
    for folder, key in zip(folders, results[0], strict=True):
        assert os.listdir(folder) == [name]  # no temporary file left behind
        path = Path(folder) / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text(encoding="utf-8").strip() == key


@pytest.mark.parametrize("content", ["", "\n", "short key", "k" * (MIN_KEY_CHARS - 1)])
def test_an_empty_or_short_key_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "session.key"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WorkbenchError, match="session.key.*(empty|too short).*delete it"):
        read_or_create(path)
    assert path.read_text(encoding="utf-8") == content  # never replaced behind the owner's back


def test_a_new_key_is_long_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "new" / "pseudonym.key"
    key = read_or_create(path)
    assert len(key) >= MIN_KEY_CHARS and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create(path) == key
    assert os.listdir(path.parent) == ["pseudonym.key"]


def test_a_key_file_that_cannot_be_read_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "session.key"
    path.mkdir()
    with pytest.raises(WorkbenchError, match="cannot read the key file"):
        read_or_create(path)
