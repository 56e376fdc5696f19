"""Claims as one CSV table; nested fields are JSON text in their cells."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson

from workbench.domain.text_safety import spreadsheet_cell
from workbench.exporters.base import BUFFER_BYTES, DatasetWriter, fsync_close
from workbench.exporters.records import Record

COLUMNS = (
    "id",
    "article_id",
    "article_title",
    "article_outlet",
    "article_url",
    "article_published",
    "sentence_index",
    "start",
    "end",
    "text",
    "claim",
    "context_before",
    "context_after",
    "label",
    "label_source",
    "reviewers",
    "observed_agreement",
    "evidence",
    "evidence_complete",
    "rationale",
    "annotations",
    "related",
)


def _json(value: object) -> str:
    return orjson.dumps(value).decode("utf-8")


def csv_row(claim: Record) -> list[object]:
    """The CSV cells of a claims.jsonl record, in COLUMNS order (null is an empty cell)."""
    article, sentence, context = claim["article"], claim["sentence"], claim["context"]
    agreement = claim["agreement"]
    return [
        claim["id"],
        article["id"],
        article["title"],
        article["outlet"],
        article["url"],
        article["published"],
        sentence["index"],
        sentence["start"],
        sentence["end"],
        sentence["text"],
        claim["claim"],
        context["before"],
        context["after"],
        claim["label"],
        claim["label_source"],
        agreement["reviewers"],
        agreement["observed_agreement"],
        _json(claim["evidence"]),
        "true" if claim["evidence_complete"] else "false",
        claim["rationale"],
        _json(claim["annotations"]),
        _json(claim["related"]),
    ]


class CsvWriter(DatasetWriter):
    """claims.csv: UTF-8, a header row, ``\\n`` line ends, RFC 4180 quoting.

    A text cell that starts with ``= + - @``, a tab or a carriage return gets a ``'`` in front
    (OWASP's advice against CSV injection) unless ``raw_cells`` is set.
    """

    name = "csv"
    description = "CSV: one row per claim; evidence, annotations and related as JSON text"
    files = ("claims.csv",)

    def __init__(self, folder: Path, *, raw_cells: bool = False):
        super().__init__(folder)
        self._raw_cells = raw_cells
        self._path = folder / "claims.csv"
        self._handle = open(  # noqa: SIM115
            self._path, "w", encoding="utf-8", newline="", buffering=BUFFER_BYTES
        )
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(COLUMNS)
        self._rows = 0

    def write_claim(self, record: Record) -> None:
        """Append the row of a claim."""
        row = csv_row(record)
        self._writer.writerow(row if self._raw_cells else [spreadsheet_cell(v) for v in row])
        self._rows += 1

    def close(self) -> dict[str, int]:
        """Flush, fsync and close claims.csv."""
        fsync_close(self._handle)
        return {self._path.name: self._rows}
