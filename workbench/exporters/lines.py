"""Reviewer labels per sentence and the annotations.jsonl lines made of them.

Labels arrive with notes and evidence already encoded as JSON text; the lines are assembled
from encoded pieces, byte-identical to ``orjson.dumps`` of each record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

from workbench.db.export_queries import SEPARATOR, LabelGroup
from workbench.domain.labels import LABELS, evidence_complete

Record = dict[str, Any]

# One label of a sentence: (rank, reviewer, label, note as a JSON string, stored time, evidence
# as a JSON array, guideline version as JSON); rank is the reviewer's place in name order.
SentenceLabel = tuple[int, str, str, str, Any, str, str]


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


class Completeness:
    """``evidence_complete`` of a label and its evidence as stored JSON text.

    Only verdicts that an empty evidence list leaves incomplete need their evidence decoded.
    """

    def __init__(self) -> None:
        self.needs_evidence = {label: not evidence_complete(label, ()) for label in LABELS}

    def __call__(self, label: str, evidence: str) -> bool:
        """True when ``evidence`` (a JSON array) meets the rule of ``label``."""
        if not self.needs_evidence[label]:
            return True
        return evidence != "[]" and evidence_complete(label, orjson.loads(evidence))


def sentence_labels(group: LabelGroup, reviewers: Reviewers) -> list[SentenceLabel]:
    """One sentence's labels as one tuple each, in reviewer name order."""
    _, users, labels, notes, stored, evidence, versions = group
    ids = users.split(" ")
    return sorted(
        zip(
            map(reviewers.rank.__getitem__, ids),
            map(reviewers.name.__getitem__, ids),
            labels.split(" "),
            notes.split(SEPARATOR),
            stored.split(SEPARATOR),
            evidence.split(SEPARATOR),
            versions.split(" "),
            strict=True,
        )
    )


def guideline_version_of(labels: list[SentenceLabel], gold: str) -> int | None:
    """The oldest guideline version among the labels that gave ``gold`` (None: before any)."""
    versions: list[int | None] = [
        orjson.loads(version) for _, _, label, _, _, _, version in labels if label == gold
    ]
    known = [version for version in versions if version is not None]
    return min(known) if known and len(known) == len(versions) else None


def claim_annotations(
    labels: list[SentenceLabel],
    time: Callable[[Any], str],
    *,
    parse_evidence: bool = False,
    complete: Callable[[str, str], bool] | None = None,
) -> list[Record]:
    """One sentence's labels as claims.jsonl lists them under ``annotations``.

    Evidence stays the stored JSON text (an ``orjson.Fragment``) unless ``parse_evidence``.
    ``complete`` (by default a new ``Completeness``) judges each label's evidence.
    """
    decode: Callable[[str], Any] = orjson.loads if parse_evidence else orjson.Fragment
    judge = complete or Completeness()
    return [
        {
            "reviewer": reviewer,
            "label": label,
            "evidence": decode(evidence),
            "evidence_complete": judge(label, evidence),
            "note": "" if note == '""' else orjson.loads(note),
            "time": time(stored),
            "guideline_version": orjson.loads(version),
        }
        for _, reviewer, label, note, stored, evidence, version in labels
    ]


def agreeing_evidence(labels: list[SentenceLabel], gold: str) -> list[Record]:
    """Evidence of the reviewers who gave the gold label, without repeated items."""
    seen: set[tuple[Any, ...]] = set()
    merged: list[Record] = []
    for _, _, label, _, _, evidence, _ in labels:
        if label != gold or evidence == "[]":
            continue
        for item in orjson.loads(evidence):
            key = (item.get("url"), item.get("quote"), item.get("stance"), item.get("sentence_ref"))
            if key not in seen:
                seen.add(key)
                merged.append(item)
    return merged


_COMPLETE = {True: ',"evidence_complete":true', False: ',"evidence_complete":false'}


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

    def __init__(self, reviewers: Reviewers):
        self.rank = reviewers.rank
        self.names = {user: _encoded(name) + ',"label":' for user, name in reviewers.name.items()}
        self.verdicts = _Verdicts()
        self.complete = Completeness()

    @staticmethod
    def article(article_id: str) -> str:
        """The start of every line of one article, up to the sentence index."""
        return '{"article":' + _encoded(article_id) + ',"sentence":'

    def incomplete(self, group: LabelGroup) -> int:
        """How many of one sentence's labels are incomplete (see ``evidence_complete``)."""
        _, _, labels, _, _, evidence, _ = group
        pairs = zip(labels.split(" "), evidence.split(SEPARATOR), strict=True)
        return sum(not self.complete(label, items) for label, items in pairs)

    def lines(self, article: str, index: int, text: str, group: LabelGroup) -> tuple[str, int]:
        """One sentence's annotations.jsonl lines, in reviewer name order, and how many are
        incomplete.

        ``article`` is what ``article`` gave. The text is what ``orjson.dumps`` writes for each
        record ``{"article", "sentence", "reviewer", "label", "note", "evidence",
        "evidence_complete", "guideline_version", "sentence_text"}``, without building a dict
        per label.
        """
        head = article + str(index) + ',"reviewer":'
        tail = ',"sentence_text":' + _encoded(text) + "}\n"
        _, users, labels, notes, _, evidence, versions = group
        ids = users.split(" ")
        verdicts = labels.split(" ")
        items = evidence.split(SEPARATOR)
        complete = list(map(self.complete, verdicts, items))
        ranked = sorted(
            zip(
                map(self.rank.__getitem__, ids),
                map(self.names.__getitem__, ids),
                map(self.verdicts.__getitem__, zip(verdicts, notes.split(SEPARATOR), strict=True)),
                items,
                map(_COMPLETE.__getitem__, complete),
                versions.split(" "),
                strict=True,
            )
        )
        version = ',"guideline_version":'
        out = (
            head
            + (tail + head).join([n + v + e + c + version + g for _, n, v, e, c, g in ranked])
            + tail
        )
        return out, complete.count(False)
