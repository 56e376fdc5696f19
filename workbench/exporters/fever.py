"""FEVER-style claims: SUPPORTS / REFUTES / NOT ENOUGH INFO with evidence sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.exporters.base import DatasetWriter, JsonLinesFile
from workbench.exporters.records import Record

FEVER_LABELS = {"verified": "SUPPORTS", "disputed": "REFUTES", "unsourced": "NOT ENOUGH INFO"}
_STANCE_FOR = {"SUPPORTS": "supports", "REFUTES": "refutes"}


def fever_evidence(label: str, evidence: list[Record]) -> list[list[list[Any]]]:
    """FEVER's evidence: a list of evidence sets of ``[annotation id, evidence id, page, line]``.

    Each supporting (or refuting) item is its own set; ``page`` is the cited article id for a
    ``sentence_ref`` item (``line`` its sentence index), otherwise the source URL (``line`` null).
    NOT ENOUGH INFO carries FEVER's single empty set ``[[[0, null, null, null]]]``.
    """
    wanted = _STANCE_FOR.get(label)
    sets: list[list[list[Any]]] = []
    for number, item in enumerate(evidence):
        if wanted is None or item["stance"] != wanted:
            continue
        ref = item.get("sentence_ref")
        if ref:
            page, _, line = ref.rpartition(":")
            sets.append([[0, number, page, int(line)]])
        else:
            sets.append([[0, number, item["url"], None]])
    return sets or [[[0, None, None, None]]]


def fever_record(claim: Record) -> Record | None:
    """The FEVER record of a claims.jsonl record; None for ``not_a_claim``."""
    label = FEVER_LABELS.get(claim["label"])
    if label is None:
        return None
    return {
        "id": claim["id"],
        "verifiable": "NOT VERIFIABLE" if label == "NOT ENOUGH INFO" else "VERIFIABLE",
        "label": label,
        "claim": claim["claim"],
        "evidence": fever_evidence(label, claim["evidence"]),
    }


class FeverWriter(DatasetWriter):
    """fever.jsonl: one line per claim; ``not_a_claim`` sentences are left out."""

    name = "fever"
    description = "FEVER: id, label (SUPPORTS / REFUTES / NOT ENOUGH INFO), claim, evidence"
    files = ("fever.jsonl",)

    def __init__(self, folder: Path):
        super().__init__(folder)
        self._out = JsonLinesFile(folder / "fever.jsonl")

    def write_claim(self, record: Record) -> None:
        """Append the FEVER line of a claim, if it is one."""
        converted = fever_record(record)
        if converted is not None:
            self._out.write(converted)

    def close(self) -> dict[str, int]:
        """Close fever.jsonl."""
        self.digests[self._out.path.name] = self._out.close()
        return {self._out.path.name: self._out.records}
