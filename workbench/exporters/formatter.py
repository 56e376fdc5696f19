"""The middle of the export pipeline: rows in, records out to the format's writer.

The row source (``db.export_queries.export_rows``) gives one article at a time; the formatter
decides each sentence's gold label, counts what the manifest reports, has ``records`` build
the records and hands them to the writer, which writes its files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.db.export_queries import ArticleRows
from workbench.domain.gold import Gold, Policy, gold_label
from workbench.exporters.base import DatasetWriter
from workbench.exporters.records import (
    ExportStats,
    RecordBuilder,
    Reviewers,
    observed_agreement,
)

# (gold label, its source, observed agreement), or None when the sentence has no gold label.
Decision = tuple[str, str, float | None] | None


class _Decisions(dict[tuple[str, str | None], Decision]):
    """The decision per (labels joined, adjudicated label), computed once."""

    def __init__(self, policy: Policy, min_reviewers: int):
        super().__init__()
        self.policy, self.min_reviewers = policy, min_reviewers

    def __missing__(self, key: tuple[str, str | None]) -> Decision:
        labels, adjudicated = key
        verdicts = labels.split(" ") if labels else []
        gold = gold_label(
            verdicts, adjudicated=adjudicated, policy=self.policy, min_reviewers=self.min_reviewers
        )
        decision = None if gold is None else _decided(gold, observed_agreement(verdicts))
        self[key] = decision
        return decision


def _decided(gold: Gold, agreement: float | None) -> Decision:
    return gold.label, gold.source.value, agreement


class Formatter:
    """Sends the records of each article to one writer and counts them into ``stats``."""

    def __init__(
        self,
        writer: DatasetWriter,
        stats: ExportStats,
        *,
        reviewers: Reviewers,
        time: Callable[[Any], str],
        policy: Policy,
        min_reviewers: int,
    ):
        self.writer, self.stats, self.reviewers = writer, stats, reviewers
        self.records = RecordBuilder(reviewers, time, parse_evidence=writer.parsed_evidence)
        self.decisions = _Decisions(policy, min_reviewers)
        # Sentences by their labels as joined (in the database's order) and the user ids seen:
        # turned into the manifest's figures once, at the end.
        self._label_sets: dict[str, int] = {}
        self._users: set[str] = set()

    def article(self, rows: ArticleRows) -> int:
        """Send one article's records to the writer; return how many reviewer labels it had."""
        writer, records, decisions, stats = self.writer, self.records, self.decisions, self.stats
        label_sets, users_seen = self._label_sets, self._users
        sentences, gold, related = rows.sentences, rows.gold, rows.related
        meta = records.article_meta(rows.article)
        head = records.annotation_lines_head(rows.article.id) if writer.takes_annotations else None
        lines: list[str] = []
        seen = 0
        for position, sentence in enumerate(sentences):
            labels: str | None = sentence[7]
            adjudicated = gold.get(sentence[1]) if gold else None
            if labels is None:
                if adjudicated is None:
                    continue  # nobody labeled it: in articles.jsonl only
                labels = ""
            else:
                users: str = sentence[6]  # type: ignore[assignment]
                users_seen.add(users)
                label_sets[labels] = label_sets.get(labels, 0) + 1
                seen += users.count(" ") + 1
                if head is not None:
                    lines.append(records.annotation_lines(head, sentence))
            decision = decisions[labels, adjudicated[0] if adjudicated else None]
            if decision is None:
                continue
            label, source, agreement = decision
            stats.add_claim(label, source)
            writer.write_claim(
                records.claim(
                    meta=meta,
                    sentences=sentences,
                    position=position,
                    label=label,
                    source=source,
                    labels=records.sentence_labels(sentence) if labels else None,
                    adjudicated_evidence=adjudicated[1] if adjudicated else None,
                    agreement=agreement,
                    related=related.get(sentence[1], ()),
                )
            )
        stats.articles += 1
        stats.sentences += len(sentences)
        if lines:
            writer.write_annotations("".join(lines).encode("utf-8"), seen)
        if writer.takes_articles:
            writer.write_article(records.article(meta, rows.article.body, sentences))
        return seen

    def finish(self) -> None:
        """Add the reviewers and label sets counted so far to ``stats``."""
        for labels, times in self._label_sets.items():
            self.stats.label_sets[tuple(labels.split(" "))] += times
        if self._users:
            names, users = self.reviewers.name, " ".join(self._users).split(" ")
            self.stats.reviewers.update(names[user] for user in users)
        self._label_sets.clear()
        self._users.clear()
