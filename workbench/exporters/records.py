"""The export's records, field by field, and the figures a manifest summarises.

Every record of every file is built here and nowhere else: a claim (claims.jsonl, and what
the other formats convert), its reviewers' annotations, an article with its sentences, and the
annotations.jsonl lines. Labels arrive as the row source joins them (``SentenceRow``): notes
and evidence already encoded as JSON text, so the annotations.jsonl lines are assembled from
encoded pieces, byte-identical to ``orjson.dumps`` of each record.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import orjson

from workbench.db.export_queries import (
    SEPARATOR,
    ArticleRow,
    GoldRow,
    SentenceRow,
)
from workbench.domain.labels import LABELS, decode_evidence, evidence_complete, published_after

Record = dict[str, Any]
SCHEMA_VERSION = "1.0"


def sentence_id(article_id: str, index: int) -> str:
    """The sentence id used in every file format: ``"<article id>:<index>"``."""
    return f"{article_id}:{index}"


def observed_agreement(labels: Sequence[str]) -> float | None:
    """Share of agreeing reviewer pairs on one sentence; None with fewer than two labels."""
    n = len(labels)
    if n < 2:
        return None
    same = sum(count * (count - 1) for count in Counter(labels).values())
    return round(same / (n * (n - 1)), 6)


def _encoded(value: str) -> str:
    return orjson.dumps(value).decode("utf-8")


class Pseudonyms:
    """Stable reviewer pseudonyms: a keyed hash, so the same name maps the same way every run."""

    def __init__(self, key: bytes | None):
        self._key = key
        self._cache: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        """The pseudonym of ``name`` (or the name itself when disabled)."""
        if self._key is None:
            return name
        alias = self._cache.get(name)
        if alias is None:
            digest = hmac.new(self._key, name.encode("utf-8"), hashlib.sha256).hexdigest()
            alias = self._cache[name] = f"reviewer-{digest[:12]}"
        return alias


class Reviewers:
    """The name shown for each user id (a pseudonym when anonymized) and its place in name order."""

    def __init__(self, names: Mapping[int, str], shown: Callable[[str], str]):
        display = {str(user): shown(name) for user, name in names.items()}
        # Code point order, the same on every database whatever its collation.
        in_order = sorted(display, key=display.__getitem__)
        self.rank = {user: rank for rank, user in enumerate(in_order)}
        self.name = display


def _as_is(values: list[str]) -> Sequence[str]:
    return values


class _Order:
    """How the labels of a sentence, listed in the database's order, go into name order."""

    def __init__(self, users: str, reviewers: Reviewers):
        ids = users.split(" ")
        positions = sorted(range(len(ids)), key=lambda i: reviewers.rank[ids[i]])
        # One label: itemgetter of one position would return the value, not a sequence.
        self.apply: Callable[[list[str]], Sequence[str]] = (
            itemgetter(*positions) if len(ids) > 1 else _as_is
        )
        self.names = tuple(reviewers.name[ids[i]] for i in positions)
        # Each line's reviewer and the key of the next field, encoded.
        self.encoded = tuple(_encoded(name) + ',"label":' for name in self.names)


class _Orders(dict[str, _Order]):
    def __init__(self, reviewers: Reviewers):
        super().__init__()
        self.reviewers = reviewers

    def __missing__(self, users: str) -> _Order:
        order = self[users] = _Order(users, self.reviewers)
        return order


class EvidenceDates:
    """Flags the evidence items published after their article (``"after_article": true``) and,
    with ``leave_out`` (``--evidence-before-claim``), leaves them out instead.

    Items without a date, or of an article without one, are kept as they are. ``flagged`` and
    ``left_out`` count the items of the reviewers' labels (``sentence``) and of the editors'
    gold labels (``items`` with ``count``); a claim's evidence merged from its reviewers'
    adds no count of its own.
    """

    def __init__(self, *, leave_out: bool = False) -> None:
        self.leave_out = leave_out
        self.article_published: str | None = None
        self.flagged = 0
        self.left_out = 0

    def items(self, items: list[Record], *, count: bool = False) -> list[Record]:
        """``items`` with each one published after the article flagged, or left out."""
        published = self.article_published
        if not published or not any(item.get("published") for item in items):
            return items
        kept: list[Record] = []
        for item in items:
            if published_after(item.get("published"), published):
                if self.leave_out:
                    self.left_out += count
                    continue
                self.flagged += count
                item = {**item, "after_article": True}
            kept.append(item)
        return kept

    def sentence(self, sentence: SentenceRow) -> SentenceRow:
        """``sentence`` with its reviewers' evidence (JSON text) flagged or filtered likewise."""
        evidence = sentence[11]
        if not self.article_published or not evidence or '"published"' not in evidence:
            return sentence
        texts = [self._text(text) for text in evidence.split(SEPARATOR)]
        return (*sentence[:11], SEPARATOR.join(texts), *sentence[12:])

    def _text(self, text: str) -> str:
        if '"published"' not in text:
            return text
        items = orjson.loads(text)
        changed = self.items(items, count=True)
        return text if changed is items else orjson.dumps(changed).decode("utf-8")


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


_COMPLETE = {True: ',"evidence_complete":true', False: ',"evidence_complete":false'}
_CLAIM = ',"claim":'


class _LabelParts(dict[str, str]):
    """``"<label>","note":`` per label, encoded once."""

    def __missing__(self, label: str) -> str:
        part = self[label] = _encoded(label) + ',"note":'
        return part


@dataclass(frozen=True, slots=True)
class SentenceLabels:
    """One sentence's labels in reviewer name order, each column as the row source gave it."""

    reviewers: Sequence[str]
    labels: Sequence[str]
    notes: Sequence[str]
    times: Sequence[str]
    evidence: Sequence[str]
    # Guideline versions as JSON (a number or ``null``).
    versions: Sequence[str]
    # Claims as checked as JSON (a string, or ``null`` for the sentence text).
    claims: Sequence[str] = ()


class RecordBuilder:
    """Builds the records of one export; keeps the encoded pieces that repeat."""

    def __init__(
        self, reviewers: Reviewers, time: Callable[[Any], str], *, parse_evidence: bool = False
    ):
        self.orders = _Orders(reviewers)
        self.time = time
        # Claims carry each reviewer's evidence parsed (Parquet) or as the stored JSON text.
        self._evidence: Callable[[str], Any] = orjson.loads if parse_evidence else orjson.Fragment
        self._label_parts = _LabelParts()
        self.complete = Completeness()

    @staticmethod
    def article_meta(article: ArticleRow) -> Record:
        """The ``article`` object of a claim: the article without its body and sentences."""
        return {
            "id": article.id,
            "title": article.title,
            "outlet": article.outlet,
            "url": article.url,
            "published": article.published,
        }

    @staticmethod
    def article(meta: Record, body: str, sentences: Sequence[SentenceRow]) -> Record:
        """An articles.jsonl record: the article and every sentence, labeled or not."""
        return {**meta, "body": body, "sentences": [_sentence_record(s) for s in sentences]}

    @staticmethod
    def annotation_lines_head(article_id: str) -> str:
        """The start of every annotations.jsonl line of one article, up to the sentence index."""
        return '{"article":' + _encoded(article_id) + ',"sentence":'

    def annotation_lines(self, head: str, sentence: SentenceRow) -> tuple[str, int]:
        """One labeled sentence's annotations.jsonl lines, in reviewer name order, and how
        many of its labels are incomplete.

        ``head`` is what ``annotation_lines_head`` gave for the sentence's article. The text is
        what ``orjson.dumps`` writes for each record ``{"article", "sentence", "reviewer",
        "label", "note", "evidence", "evidence_complete", "guideline_version", "claim",
        "sentence_text"}``, without building a dict per label; ``claim`` only when the reviewer
        restated the sentence.
        """
        _, index, _, _, text, _, _, users, labels, notes, _, evidence, versions, claims = sentence
        order = self.orders[users]  # type: ignore[index]
        apply, parts = order.apply, self._label_parts
        verdicts = apply(labels.split(" "))  # type: ignore[union-attr]
        items = apply(evidence.split(SEPARATOR))  # type: ignore[union-attr]
        complete = list(map(self.complete, verdicts, items))
        start = f'{head}{index},"reviewer":'
        end = ',"sentence_text":' + _encoded(text) + "}\n"
        lines = "".join(
            [
                f'{start}{name}{parts[label]}{note},"evidence":{item}{done}'
                f',"guideline_version":{version}{"" if claim == "null" else _CLAIM + claim}{end}'
                for name, label, note, item, done, version, claim in zip(
                    order.encoded,
                    verdicts,
                    apply(notes.split(SEPARATOR)),  # type: ignore[union-attr]
                    items,
                    map(_COMPLETE.__getitem__, complete),
                    apply(versions.split(" ")),  # type: ignore[union-attr]
                    apply(claims.split(SEPARATOR)),  # type: ignore[union-attr]
                    strict=True,
                )
            ]
        )
        return lines, complete.count(False)

    def incomplete(self, sentence: SentenceRow) -> int:
        """How many of a labeled sentence's labels are incomplete (see ``evidence_complete``)."""
        labels, evidence = sentence[8], sentence[11]
        pairs = zip(labels.split(" "), evidence.split(SEPARATOR), strict=True)  # type: ignore[union-attr]
        return sum(not self.complete(label, items) for label, items in pairs)

    def sentence_labels(self, sentence: SentenceRow) -> SentenceLabels:
        """A labeled sentence's labels in reviewer name order."""
        users, labels, notes, times, evidence, versions, claims = sentence[7:]
        order = self.orders[users]  # type: ignore[index]
        apply = order.apply
        return SentenceLabels(
            order.names,
            apply(labels.split(" ")),  # type: ignore[union-attr]
            apply(notes.split(SEPARATOR)),  # type: ignore[union-attr]
            apply(times.split(SEPARATOR)),
            apply(evidence.split(SEPARATOR)),  # type: ignore[union-attr]
            apply(versions.split(" ")),  # type: ignore[union-attr]
            apply(claims.split(SEPARATOR)),  # type: ignore[union-attr]
        )

    def claim_annotations(self, labels: SentenceLabels) -> list[Record]:
        """One sentence's labels as a claim lists them under ``annotations``; ``claim`` is the
        reviewer's restatement, null when they checked the sentence as written."""
        time, evidence, complete = self.time, self._evidence, self.complete
        claims = labels.claims or ("null",) * len(labels.labels)
        return [
            {
                "reviewer": reviewer,
                "label": label,
                "evidence": evidence(items),
                "evidence_complete": complete(label, items),
                "note": "" if note == '""' else orjson.loads(note),
                "claim": None if claim == "null" else orjson.loads(claim),
                "time": time(stored),
                "guideline_version": orjson.loads(version),
            }
            for reviewer, label, note, stored, items, version, claim in zip(
                labels.reviewers,
                labels.labels,
                labels.notes,
                labels.times,
                labels.evidence,
                labels.versions,
                claims,
                strict=True,
            )
        ]

    def label_date(
        self, gold: str, labels: SentenceLabels | None, adjudicated: GoldRow | None
    ) -> str | None:
        """The day (``YYYY-MM-DD``, UTC) the gold label ``gold`` was reached: an adjudicated
        label's last save, else the newest label of the reviewers who gave it."""
        if adjudicated is not None:
            return self.time(adjudicated[5])[:10]
        if labels is None:
            return None
        times = [
            self.time(stored)
            for label, stored in zip(labels.labels, labels.times, strict=True)
            if label == gold
        ]
        return max(times)[:10] if times else None

    @staticmethod
    def claim_evidence(
        label: str, labels: SentenceLabels | None, adjudicated_evidence: str | None
    ) -> list[Record]:
        """A claim's evidence: the editor's (its stored ``evidence_json``) when adjudicated,
        else that of the reviewers who gave the gold label ``label``."""
        if adjudicated_evidence is not None:
            return [item.to_dict() for item in decode_evidence(adjudicated_evidence)]
        return [] if labels is None else agreeing_evidence(labels, label)

    def claim(
        self,
        *,
        meta: Record,
        sentences: Sequence[SentenceRow],
        position: int,
        label: str,
        source: str,
        labels: SentenceLabels | None,
        evidence: list[Record],
        complete: bool,
        adjudicated: GoldRow | None,
        agreement: float | None,
        related: Iterable[tuple[str, int]],
    ) -> Record:
        """A claims.jsonl record: the sentence at ``position`` of its article, gold-labeled.

        ``evidence`` is what ``claim_evidence`` gave and ``complete`` whether it meets the
        label's rule. The guideline version is the gold label's when adjudicated, else that of
        ``guideline_version_of``; the rationale only an adjudicated label has. ``claim`` is the
        claim as checked: the editor's restatement on an adjudicated label, else the sentence
        text, which ``sentence`` keeps beside it either way.
        """
        sentence = sentences[position]
        index, text = sentence[1], sentence[4]
        return {
            "id": sentence_id(meta["id"], index),
            "article": meta,
            "claim": (adjudicated[4] or text) if adjudicated else text,
            "sentence": {"index": index, "start": sentence[2], "end": sentence[3], "text": text},
            "context": {
                "before": sentences[position - 1][4] if position > 0 else None,
                "after": sentences[position + 1][4] if position + 1 < len(sentences) else None,
            },
            "label": label,
            "label_source": source,
            "guideline_version": adjudicated[2]
            if adjudicated
            else guideline_version_of(labels, label),
            "evidence": evidence,
            "evidence_complete": complete,
            "rationale": adjudicated[3] if adjudicated else None,
            "annotations": [] if labels is None else self.claim_annotations(labels),
            "agreement": {
                "reviewers": 0 if labels is None else len(labels.labels),
                "observed_agreement": agreement,
            },
            "related": [sentence_id(article, index) for article, index in related],
        }


def _sentence_record(sentence: SentenceRow) -> Record:
    """A sentence of ``articles.jsonl``; a boilerplate one says so (``"boilerplate": true``)."""
    record: Record = {
        "index": sentence[1],
        "start": sentence[2],
        "end": sentence[3],
        "text": sentence[4],
        "checkworthiness": sentence[5],
    }
    if sentence[6]:
        record["boilerplate"] = True
    return record


def guideline_version_of(labels: SentenceLabels | None, gold: str) -> int | None:
    """The oldest guideline version among the labels that gave ``gold`` (None: any before
    guidelines, or no such label)."""
    if labels is None:
        return None
    versions: list[int | None] = [
        orjson.loads(version)
        for label, version in zip(labels.labels, labels.versions, strict=True)
        if label == gold
    ]
    known = [version for version in versions if version is not None]
    return min(known) if known and len(known) == len(versions) else None


def agreeing_evidence(labels: SentenceLabels, gold: str) -> list[Record]:
    """Evidence of the reviewers who gave the gold label, in their order, each item once."""
    seen: set[tuple[Any, ...]] = set()
    merged: list[Record] = []
    # The same stored text adds nothing new: decode each distinct one once.
    texts = dict.fromkeys(
        items
        for label, items in zip(labels.labels, labels.evidence, strict=True)
        if label == gold and items != "[]"
    )
    for text in texts:
        for item in orjson.loads(text):
            key = (item.get("url"), item.get("quote"), item.get("stance"), item.get("sentence_ref"))
            if key not in seen:
                seen.add(key)
                merged.append(item)
    return merged


@dataclass
class ExportStats:
    """Counts, label distribution and agreement figures gathered while records stream by."""

    articles: int = 0
    sentences: int = 0
    claims: int = 0
    reviewers: set[str] = field(default_factory=set)
    labels: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    # How many sentences had each set of reviewer labels (in any order); unlabeled ones are not.
    label_sets: Counter[tuple[str, ...]] = field(default_factory=Counter)
    # Labels saved before their evidence (``evidence_complete`` false): reviewer labels, gold
    # labels written to claims.jsonl, and gold labels ``--require-evidence`` left out.
    incomplete_annotations: int = 0
    incomplete_claims: int = 0
    left_out_incomplete: int = 0
    # Evidence items (of reviewer labels and gold labels) published after their article: kept
    # and flagged, and left out by ``--evidence-before-claim`` (None: the option was off).
    evidence_after_article: int = 0
    evidence_after_article_left_out: int | None = None

    def add_claim(self, label: str, source: str, *, complete: bool = True, times: int = 1) -> None:
        """Count ``times`` gold-labeled sentences with this label, source and completeness."""
        self.claims += times
        self.labels[label] += times
        self.sources[source] += times
        if not complete:
            self.incomplete_claims += times

    def counts(self) -> Record:
        """The manifest's ``counts`` object."""
        return {
            "articles": self.articles,
            "sentences": self.sentences,
            "annotations": self.annotations,
            "reviewers": len(self.reviewers),
            "claims": self.claims,
            "incomplete_annotations": self.incomplete_annotations,
            "incomplete_claims": self.incomplete_claims,
            "incomplete_claims_left_out": self.left_out_incomplete,
            # Only when there is something to say, so the counts of older exports read the same.
            **({"evidence_after_article": n} if (n := self.evidence_after_article) else {}),
            **(
                {"evidence_after_article_left_out": left}
                if (left := self.evidence_after_article_left_out) is not None
                else {}
            ),
        }

    @property
    def annotations(self) -> int:
        """Reviewer labels counted so far."""
        return sum(len(labels) * times for labels, times in self.label_sets.items())

    def agreement(self) -> Record:
        """The manifest's per-sentence agreement summary."""
        multi_labeled = unanimous = 0
        agreement_sum = 0.0
        for labels, times in self.label_sets.items():
            agreement = observed_agreement(labels)
            if agreement is not None:
                multi_labeled += times
                agreement_sum += agreement * times
                unanimous += times if agreement == 1.0 else 0
        mean = agreement_sum / multi_labeled if multi_labeled else None
        return {
            "sentences_with_two_or_more_labels": multi_labeled,
            "mean_observed_agreement": None if mean is None else round(mean, 6),
            "unanimous_sentences": unanimous,
        }

    def label_distribution(self) -> Record:
        """Gold labels by label, label sources and every reviewer label by label (sorted keys)."""
        reviewer_labels: Counter[str] = Counter()
        for labels, times in self.label_sets.items():
            for label in labels:
                reviewer_labels[label] += times
        return {
            "gold": dict(sorted(self.labels.items())),
            "label_source": dict(sorted(self.sources.items())),
            "reviewer_labels": dict(sorted(reviewer_labels.items())),
        }
