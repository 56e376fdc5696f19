"""annotations.jsonl lines assembled from encoded pieces, byte-identical to orjson per record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from workbench.exporters.records import Record


class _Names(dict[str, bytes]):
    """``"<reviewer>","label":`` per reviewer name, encoded on first use."""

    def __missing__(self, reviewer: str) -> bytes:
        part = self[reviewer] = orjson.dumps(reviewer) + b',"label":'
        return part


class _Verdicts(dict[tuple[str, str], bytes]):
    """``"<label>","note":"<note>","evidence":`` per (label, note), kept for empty notes."""

    def __missing__(self, key: tuple[str, str]) -> bytes:
        label, note = key
        part = orjson.dumps(label) + b',"note":' + orjson.dumps(note) + b',"evidence":'
        if not note:
            self[key] = part
        return part


class LineParts:
    """Encoded pieces of annotations.jsonl lines, kept for the values that repeat."""

    def __init__(self) -> None:
        self.names = _Names()
        self.verdicts = _Verdicts()


def annotation_lines(
    parts: LineParts,
    chunks: list[bytes],
    head: bytes,
    tail: bytes,
    labels: Sequence[tuple[Any, ...]],
    evidence: Mapping[int, list[Record]],
) -> None:
    """Append one sentence's annotations.jsonl lines to ``chunks``, as orjson would write them.

    Same bytes as ``orjson.dumps({"article", "sentence", "reviewer", "label", "note",
    "evidence", "sentence_text"})`` per label, without building a dict per label.
    """
    find, dumps, names, verdicts = evidence.get, orjson.dumps, parts.names, parts.verdicts
    for _, annotation, reviewer, label, note, _ in labels:
        items = find(annotation)
        chunks += (
            head,
            names[reviewer],
            verdicts[label, note],
            b"[]" if items is None else dumps(items),
            tail,
        )
