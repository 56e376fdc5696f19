"""Claim pairs: each reviewer's decision on a suggested link, for claim-matching work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from workbench.db.link_decisions import PairRow
from workbench.exporters.base import DatasetWriter, JsonLinesFile
from workbench.exporters.records import Record

DECISIONS = {True: "same_claim", False: "not_same_claim", None: "undecided"}
CONFLICTS = {True: "conflict", False: "no_conflict", None: "undecided"}


def pair_record(row: PairRow, reviewer: Callable[[int], str]) -> Record:
    """The pairs.jsonl record of one decision; ``reviewer`` names (or pseudonymizes) a user id."""
    return {
        "a": f"{row.a_article}:{row.a_index}",
        "b": f"{row.b_article}:{row.b_index}",
        "a_text": row.a_text,
        "b_text": row.b_text,
        "decision": DECISIONS[row.same_claim],
        "conflict_decision": CONFLICTS[row.conflict],
        "reviewer": reviewer(row.user_id),
        "similarity": row.similarity,
        "suggested_conflict": row.linked_conflict,
        "score": row.score,
    }


class PairsWriter(DatasetWriter):
    """pairs.jsonl: one line per reviewer decision on a claim link."""

    name = "pairs"
    description = (
        "claim pairs: both sentence ids and texts, the reviewer's decision (same claim or not), "
        "conflict decision, reviewer, similarity, link model score"
    )
    files = ("pairs.jsonl",)
    takes_pairs: ClassVar[bool] = True

    def __init__(self, folder: Path):
        super().__init__(folder)
        self._out = JsonLinesFile(folder / "pairs.jsonl")

    def write_pair(self, record: Record) -> None:
        """Append one decision's line."""
        self._out.write(record)

    def close(self) -> dict[str, int]:
        """Close pairs.jsonl."""
        self.digests[self._out.path.name] = self._out.close()
        return {self._out.path.name: self._out.records}
