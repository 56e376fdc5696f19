"""Publishing an export folder atomically: write into a hidden sibling, fsync, rename."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import InputError

MANIFEST = "manifest.json"


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(target: Path) -> list[Path]:
    """Delete hidden work folders of ``target`` left by exports whose process has died."""
    removed = []
    for kind in ("tmp", "old"):
        for leftover in target.parent.glob(f".{target.name}.{kind}-*"):
            pid = leftover.name.rsplit(".", 1)[-1].split("-")[1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(leftover, ignore_errors=True)
                removed.append(leftover)
    return removed


def check_target(target: Path) -> None:
    """Refuse a target that exists and is neither an empty folder nor an earlier export."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(f"{target} exists and is not a folder; choose another --out")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise InputError(
            f"{target} is a folder with other content (no {MANIFEST}); choose another --out"
        )


def _work_folder(target: Path, kind: str) -> Path:
    return target.parent / f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def publish(staged: Path, target: Path) -> None:
    """Make ``staged`` visible as ``target``, replacing an earlier export there."""
    _fsync_dir(staged)
    if target.exists():
        old = _work_folder(target, "old")
        os.rename(target, old)
        os.rename(staged, target)
        shutil.rmtree(old)
    else:
        os.rename(staged, target)
    _fsync_dir(target.parent)


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A fresh hidden folder next to ``target``; renamed to ``target`` when the block succeeds."""
    target = Path(os.path.abspath(target))
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    staged = _work_folder(target, "tmp")
    staged.mkdir()
    try:
        yield staged
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    publish(staged, target)
