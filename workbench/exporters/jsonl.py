"""The default export: claims, annotations and articles as JSON Lines."""

from __future__ import annotations

from pathlib import Path

from workbench.exporters.base import DatasetWriter, JsonLinesFile
from workbench.exporters.records import Record


class JsonlWriter(DatasetWriter):
    """claims.jsonl, annotations.jsonl (import format) and articles.jsonl."""

    name = "jsonl"
    description = "JSON Lines: claims, every reviewer label (re-importable) and every article"
    files = ("claims.jsonl", "annotations.jsonl", "articles.jsonl")
    takes_annotations = True
    takes_articles = True

    def __init__(self, folder: Path):
        super().__init__(folder)
        self._claims = JsonLinesFile(folder / "claims.jsonl")
        self._annotations = JsonLinesFile(folder / "annotations.jsonl")
        self._articles = JsonLinesFile(folder / "articles.jsonl")

    def write_claim(self, record: Record) -> None:
        """Append a claims.jsonl line."""
        self._claims.write(record)

    def write_annotations(self, lines: bytes, count: int) -> None:
        """Append encoded annotations.jsonl lines."""
        self._annotations.write_lines(lines, count)

    def write_article(self, record: Record) -> None:
        """Append an articles.jsonl line."""
        self._articles.write(record)

    def close(self) -> dict[str, int]:
        """Close the three files."""
        parts = (self._claims, self._annotations, self._articles)
        for part in parts:
            self.digests[part.path.name] = part.close()
        return {part.path.name: part.records for part in parts}
