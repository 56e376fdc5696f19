"""Dataset formats: one writer per format, the records they share, the published folder."""

from __future__ import annotations

from workbench.exporters.averitec import AveritecWriter
from workbench.exporters.base import DatasetWriter
from workbench.exporters.checkthat import CheckThatWriter
from workbench.exporters.claimreview import ClaimReviewWriter
from workbench.exporters.csv_table import CsvWriter
from workbench.exporters.fever import FeverWriter
from workbench.exporters.jsonl import JsonlWriter
from workbench.exporters.pairs import PairsWriter
from workbench.exporters.parquet import ParquetWriter

WRITERS: dict[str, type[DatasetWriter]] = {
    writer.name: writer
    for writer in (
        JsonlWriter,
        FeverWriter,
        ClaimReviewWriter,
        CsvWriter,
        ParquetWriter,
        PairsWriter,
        CheckThatWriter,
        AveritecWriter,
    )
}
FORMATS: tuple[str, ...] = tuple(WRITERS)

__all__ = ["FORMATS", "WRITERS", "DatasetWriter"]
