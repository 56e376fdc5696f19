"""Reviewer labels per sentence and the annotations.jsonl lines made of them.

Labels arrive with notes and evidence already encoded as JSON text; the lines are assembled
from encoded pieces, byte-identical to ``orjson.dumps`` of each record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import add
from typing import Any

import orjson

Record = dict[str, Any]

# One label of a sentence: (rank, reviewer, label, note as a JSON string, stored time, evidence
# as a JSON array); rank is the reviewer's place in name order.
SentenceLabel = tuple[int, str, str, str, Any, str]
# The labels of one sentence as the database lists them: (sentence id, user ids joined by spaces,
# labels joined by spaces, then joined by SEPARATOR: notes as JSON strings, stored times,
# evidence arrays). Every list is in the same order.
LabelGroup = tuple[int, str, str, str, str, str]
SEPARATOR = "\x1f"


def _encoded(value: str) -> str:
    return orjson.dumps(value).decode("utf-8")


class Reviewers:
    """The name shown for each user id (a pseudonym when anonymized) and its place in name order."""

    def __init__(self, names: Mapping[int, str], shown: Callable[[str], str]):
        display = {str(user): shown(name) for user, name in names.items()}
        # Code point order, the same on every database whatever its collation.
        in_order = sorted(display, key=display.__getitem__)
        self.rank = {user: rank for rank, user in enumerate(in_order)}
        self.name = display


def sentence_labels(group: LabelGroup, reviewers: Reviewers) -> list[SentenceLabel]:
    """One sentence's labels as one tuple each, in reviewer name order."""
    _, users, labels, notes, stored, evidence = group
    ids = users.split(" ")
    return sorted(
        zip(
            map(reviewers.rank.__getitem__, ids),
            map(reviewers.name.__getitem__, ids),
            labels.split(" "),
            notes.split(SEPARATOR),
            stored.split(SEPARATOR),
            evidence.split(SEPARATOR),
            strict=True,
        )
    )


def claim_annotations(labels: list[SentenceLabel], time: Callable[[Any], str]) -> list[Record]:
    """One sentence's labels as claims.jsonl lists them under ``annotations``."""
    return [
        {
            "reviewer": reviewer,
            "label": label,
            "evidence": [] if evidence == "[]" else orjson.loads(evidence),
            "note": "" if note == '""' else orjson.loads(note),
            "time": time(stored),
        }
        for _, reviewer, label, note, stored, evidence in labels
    ]


class _Names(dict[str, str]):
    """``"<reviewer>","label":`` per reviewer name, encoded on first use."""

    def __missing__(self, reviewer: str) -> str:
        part = self[reviewer] = _encoded(reviewer) + ',"label":'
        return part


class _Verdicts(dict[tuple[str, str], str]):
    """``"<label>","note":<note>,"evidence":`` per (label, encoded note), kept for empty notes."""

    def __missing__(self, key: tuple[str, str]) -> str:
        label, note = key
        part = _encoded(label) + ',"note":' + note + ',"evidence":'
        if note == '""':
            self[key] = part
        return part


class LineParts:
    """Encoded pieces of annotations.jsonl lines, kept for the values that repeat."""

    def __init__(self) -> None:
        self.names = _Names()
        self.verdicts = _Verdicts()

    def lines(self, article_id: str, index: int, text: str, labels: list[SentenceLabel]) -> str:
        """One sentence's annotations.jsonl lines, in the order of ``labels``.

        The text ``orjson.dumps`` gives for each record ``{"article", "sentence", "reviewer",
        "label", "note", "evidence", "sentence_text"}``, without building a dict per label.
        """
        head = '{"article":' + _encoded(article_id) + ',"sentence":' + str(index) + ',"reviewer":'
        tail = ',"sentence_text":' + _encoded(text) + "}\n"
        _, reviewers, verdicts, notes, _, evidence = zip(*labels, strict=True)
        named = map(self.names.__getitem__, reviewers)
        judged = map(self.verdicts.__getitem__, zip(verdicts, notes, strict=True))
        middles = map(add, map(add, named, judged), evidence)
        return head + (tail + head).join(middles) + tail
