"""What every dataset format's writer does: receive records, write files, report counts."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import IO, Any, BinaryIO, ClassVar

import orjson

from workbench.exporters.records import Record

BUFFER_BYTES = 1 << 20


def fsync_close(handle: IO[Any]) -> None:
    """Flush, fsync and close a file so a later rename publishes complete bytes."""
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


class JsonLinesFile:
    """A buffered JSON Lines file that counts and hashes its records; fsynced on close."""

    def __init__(self, path: Path):
        self.path = path
        self.records = 0
        self._handle: BinaryIO = open(path, "wb", buffering=BUFFER_BYTES)  # noqa: SIM115
        # Hashed as written: the manifest needs no second read of the file.
        self._sha256 = hashlib.sha256()

    def write(self, record: Record) -> None:
        """Append one record as one line."""
        line = orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
        self._sha256.update(line)
        self._handle.write(line)
        self.records += 1

    def write_lines(self, lines: bytes, count: int) -> None:
        """Append ``count`` records already encoded as JSON lines (each ending in a newline)."""
        self._sha256.update(lines)
        self._handle.write(lines)
        self.records += count

    def close(self) -> str:
        """Flush, fsync and close; return the file's SHA-256 (hex)."""
        fsync_close(self._handle)
        return self._sha256.hexdigest()


class JsonArrayFile(JsonLinesFile):
    """A JSON file holding one array, written element by element: ``[``, one element per
    line with a comma between, ``]``; hashed as written and fsynced on close."""

    def __init__(self, path: Path):
        super().__init__(path)
        self._emit(b"[")

    def _emit(self, data: bytes) -> None:
        self._sha256.update(data)
        self._handle.write(data)

    def write(self, record: Record) -> None:
        """Append one element."""
        self._emit(b"\n" if self.records == 0 else b",\n")
        self._emit(orjson.dumps(record))
        self.records += 1

    def write_lines(self, lines: bytes, count: int) -> None:
        """Not for an array file: its elements are separated by commas, not line ends."""
        raise TypeError("a JSON array file takes whole records (write), not encoded lines")

    def close(self) -> str:
        """Close the array, flush, fsync and close; return the file's SHA-256 (hex)."""
        self._emit(b"\n]\n" if self.records else b"]\n")
        return super().close()


class DatasetWriter:
    """Base of the format writers; a format overrides the record kinds it writes."""

    name: ClassVar[str]
    description: ClassVar[str]
    files: ClassVar[tuple[str, ...]]
    takes_annotations: ClassVar[bool] = False
    takes_articles: ClassVar[bool] = False
    # Whether claim records carry each reviewer's evidence as parsed lists, not as JSON text.
    parsed_evidence: ClassVar[bool] = False
    # Whether the writer receives reviewers' decisions on claim links (``write_pair``).
    takes_pairs: ClassVar[bool] = False
    # Whether claim records carry ``label_date``: the day the gold label was reached (an
    # adjudicated label's last save, else the newest agreeing reviewer label), ``YYYY-MM-DD``.
    takes_label_dates: ClassVar[bool] = False

    def __init__(self, folder: Path):
        self.folder = folder
        # SHA-256 (hex) by file name of the files hashed while written, known once closed.
        self.digests: dict[str, str] = {}

    def write_claim(self, record: Record) -> None:
        """Receive one gold-labeled sentence (the claims.jsonl record)."""

    def write_annotations(self, lines: bytes, count: int) -> None:
        """Receive ``count`` reviewer labels as encoded JSON lines (the import line format)."""

    def write_article(self, record: Record) -> None:
        """Receive one article with every sentence."""

    def write_pair(self, record: Record) -> None:
        """Receive one reviewer's decision on a claim link (the pairs.jsonl record)."""

    def close(self) -> dict[str, int]:
        """Finish every file; return records written per file name."""
        raise NotImplementedError
