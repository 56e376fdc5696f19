"""CLEF CheckThat! check-worthiness: a TSV of ``Sentence_id``, ``Text``, ``class_label``.

Every gold-labeled sentence is a row: ``Yes`` for a claim (verified, disputed, unsourced),
``No`` for ``not_a_claim``. Tab-separated, header row, ``\\n`` line ends; a text holding a tab,
a line break or a double quote is quoted as ``csv`` (and pandas' ``read_csv(sep="\\t")``) do.
The column spec is ``schemas/checkthat.json``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from workbench.domain.labels import Label
from workbench.exporters.base import BUFFER_BYTES, DatasetWriter, fsync_close
from workbench.exporters.records import Record

COLUMNS = ("Sentence_id", "Text", "class_label")


def checkthat_row(claim: Record) -> tuple[str, str, str]:
    """The TSV row of a claims.jsonl record."""
    worthy = "No" if claim["label"] == Label.NOT_A_CLAIM else "Yes"
    return claim["id"], claim["sentence"]["text"], worthy


class CheckThatWriter(DatasetWriter):
    """checkthat.tsv: one row per gold-labeled sentence, claims and non-claims alike."""

    name = "checkthat"
    description = (
        "CLEF CheckThat! check-worthiness TSV: Sentence_id, Text, class_label (Yes for a claim, "
        "No for not_a_claim)"
    )
    files = ("checkthat.tsv",)

    def __init__(self, folder: Path):
        super().__init__(folder)
        self._path = folder / "checkthat.tsv"
        self._handle = open(  # noqa: SIM115
            self._path, "w", encoding="utf-8", newline="", buffering=BUFFER_BYTES
        )
        self._writer = csv.writer(self._handle, delimiter="\t", lineterminator="\n")
        self._writer.writerow(COLUMNS)
        self._rows = 0

    def write_claim(self, record: Record) -> None:
        """Append the row of a gold-labeled sentence."""
        self._writer.writerow(checkthat_row(record))
        self._rows += 1

    def close(self) -> dict[str, int]:
        """Flush, fsync and close checkthat.tsv."""
        fsync_close(self._handle)
        return {self._path.name: self._rows}
