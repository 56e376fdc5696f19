"""Publishing an export folder atomically: write into a hidden sibling, fsync, rename."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from workbench.errors import InputError

MANIFEST = "manifest.json"
TOOL_NAME = "factcheck-workbench"


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


def _export_problem(target: Path) -> str | None:
    """Why the non-empty folder ``target`` is not one an earlier export wrote, or None."""
    manifest = target / MANIFEST
    if not manifest.is_file() or manifest.is_symlink():
        return f"no {MANIFEST}"
    try:
        record = orjson.loads(manifest.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return f"its {MANIFEST} is not valid JSON"
    tool = record.get("tool") if isinstance(record, dict) else None
    if not isinstance(tool, dict) or tool.get("name") != TOOL_NAME:
        return f"its {MANIFEST} was not written by {TOOL_NAME}"
    files = record.get("files")
    listed = set(files) if isinstance(files, dict) else set()
    present = {entry.name for entry in target.iterdir()} - {MANIFEST}
    if present != listed:
        extra = sorted(present - listed)
        missing = sorted(listed - present)
        if extra:
            return f"it holds files its {MANIFEST} does not list: {', '.join(extra[:5])}"
        return f"files its {MANIFEST} lists are missing: {', '.join(missing[:5])}"
    if any(not (target / name).is_file() or (target / name).is_symlink() for name in present):
        return "it holds folders or links"
    return None


def check_target(target: Path) -> None:
    """Refuse a target that exists and is neither an empty folder nor an earlier export.

    An earlier export is a folder whose manifest names this tool and lists exactly the files
    present; anything else is left as it is, with nothing deleted.
    """
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(f"{target} exists and is not a folder; choose another --out")
    if target.is_dir() and any(target.iterdir()):
        problem = _export_problem(target)
        if problem is not None:
            raise InputError(
                f"{target} is a folder with other content ({problem}); nothing was deleted, "
                "choose another --out"
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
