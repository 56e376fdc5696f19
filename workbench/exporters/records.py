"""Plain-data records of the export formats and the figures a manifest summarises."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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

    def add_sentences(self, count: int, label_sets: Iterable[tuple[str, ...]]) -> None:
        """Count ``count`` sentences and the reviewer labels of those that have any."""
        self.sentences += count
        self.label_sets.update(label_sets)

    def merge(self, other: ExportStats) -> None:
        """Add what ``other`` counted (the next slice of articles of the same export)."""
        self.articles += other.articles
        self.sentences += other.sentences
        self.claims += other.claims
        self.reviewers |= other.reviewers
        self.labels.update(other.labels)
        self.sources.update(other.sources)
        self.label_sets.update(other.label_sets)
        self.incomplete_annotations += other.incomplete_annotations
        self.incomplete_claims += other.incomplete_claims
        self.left_out_incomplete += other.left_out_incomplete

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
