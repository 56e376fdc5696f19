"""Claims as Parquet with nested columns, written in row groups as records stream by."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from workbench.exporters.base import DatasetWriter
from workbench.exporters.records import Record

ROW_GROUP = 5_000
_EVIDENCE = pa.list_(
    pa.struct(
        [
            ("url", pa.string()),
            ("quote", pa.string()),
            ("stance", pa.string()),
            ("note", pa.string()),
            ("sentence_ref", pa.string()),
            ("question", pa.string()),
            ("published", pa.string()),
            ("after_article", pa.bool_()),
        ]
    )
)
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        (
            "article",
            pa.struct(
                [
                    ("id", pa.string()),
                    ("title", pa.string()),
                    ("outlet", pa.string()),
                    ("url", pa.string()),
                    ("published", pa.string()),
                ]
            ),
        ),
        ("claim", pa.string()),
        (
            "sentence",
            pa.struct(
                [
                    ("index", pa.int64()),
                    ("start", pa.int64()),
                    ("end", pa.int64()),
                    ("text", pa.string()),
                ]
            ),
        ),
        ("context", pa.struct([("before", pa.string()), ("after", pa.string())])),
        ("label", pa.string()),
        ("label_source", pa.string()),
        ("guideline_version", pa.int64()),
        ("evidence", _EVIDENCE),
        ("evidence_complete", pa.bool_()),
        ("rationale", pa.string()),
        (
            "annotations",
            pa.list_(
                pa.struct(
                    [
                        ("reviewer", pa.string()),
                        ("label", pa.string()),
                        ("evidence", _EVIDENCE),
                        ("evidence_complete", pa.bool_()),
                        ("note", pa.string()),
                        ("claim", pa.string()),
                        ("time", pa.string()),
                        ("guideline_version", pa.int64()),
                    ]
                )
            ),
        ),
        (
            "agreement",
            pa.struct([("reviewers", pa.int64()), ("observed_agreement", pa.float64())]),
        ),
        ("related", pa.list_(pa.string())),
    ]
)


class ParquetWriter(DatasetWriter):
    """claims.parquet: the claims.jsonl records with the same nested shape."""

    name = "parquet"
    description = "Parquet: the claims.jsonl records as nested columns"
    files = ("claims.parquet",)
    parsed_evidence = True

    def __init__(self, folder: Path):
        super().__init__(folder)
        self._path = folder / "claims.parquet"
        self._writer = pq.ParquetWriter(self._path, SCHEMA, compression="zstd")
        self._buffer: list[Record] = []
        self._rows = 0

    def _flush(self) -> None:
        if self._buffer:
            self._writer.write_table(pa.Table.from_pylist(self._buffer, schema=SCHEMA))
            self._rows += len(self._buffer)
            self._buffer = []

    def write_claim(self, record: Record) -> None:
        """Buffer a claim; a full row group is written out."""
        self._buffer.append(record)
        if len(self._buffer) >= ROW_GROUP:
            self._flush()

    def close(self) -> dict[str, int]:
        """Write the last row group, close and fsync claims.parquet."""
        self._flush()
        self._writer.close()
        with open(self._path, "rb+") as handle:
            os.fsync(handle.fileno())
        return {self._path.name: self._rows}
