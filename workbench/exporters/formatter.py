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
from workbench.domain.labels import evidence_complete
from workbench.exporters.base import DatasetWriter
from workbench.exporters.records import (
    EvidenceDates,
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
        require_evidence: bool = False,
        evidence_before_claim: bool = False,
    ):
        self.writer, self.stats, self.reviewers = writer, stats, reviewers
        self.records = RecordBuilder(reviewers, time, parse_evidence=writer.parsed_evidence)
        self.decisions = _Decisions(policy, min_reviewers)
        # Gold labels still lacking the evidence their verdict asks for are left out.
        self.require_evidence = require_evidence
        # Evidence published after its article is flagged, or left out (evidence_before_claim).
        self.dates = EvidenceDates(leave_out=evidence_before_claim)
        # Sentences by their labels as joined (in the database's order) and the user ids seen:
        # turned into the manifest's figures once, at the end.
        self._label_sets: dict[str, int] = {}
        self._users: set[str] = set()

    def article(self, rows: ArticleRows) -> int:
        """Send one article's records to the writer; return how many reviewer labels it had."""
        writer, records, decisions, stats = self.writer, self.records, self.decisions, self.stats
        require_evidence = self.require_evidence
        label_dates = writer.takes_label_dates
        label_sets, users_seen = self._label_sets, self._users
        sentences, gold, related = rows.sentences, rows.gold, rows.related
        meta = records.article_meta(rows.article)
        dates = self.dates
        # Only a dated article can have evidence published after it.
        dated = dates.article_published = rows.article.published
        head = records.annotation_lines_head(rows.article.id) if writer.takes_annotations else None
        lines: list[str] = []
        seen = 0
        incomplete = 0
        for position, sentence in enumerate(sentences):
            labels: str | None = sentence[8]
            boilerplate = sentence[6]
            if labels is None:
                adjudicated = gold.get(sentence[1]) if gold and not boilerplate else None
                if adjudicated is None:
                    continue  # nobody labeled it (or boilerplate): in articles.jsonl only
                labels = ""
            else:
                if dated and '"published"' in sentence[11]:  # type: ignore[operator]
                    sentence = dates.sentence(sentence)  # reviewers' items flagged or left out
                users: str = sentence[7]  # type: ignore[assignment]
                users_seen.add(users)
                seen += users.count(" ") + 1
                if head is not None:
                    chunk, missing = records.annotation_lines(head, sentence)
                    lines.append(chunk)
                if boilerplate:
                    continue  # its labels are exported, but it has no gold label and no agreement
                incomplete += missing if head is not None else records.incomplete(sentence)
                label_sets[labels] = label_sets.get(labels, 0) + 1
                adjudicated = gold.get(sentence[1]) if gold else None
            decision = decisions[labels, adjudicated[0] if adjudicated else None]
            if decision is None:
                continue
            label, source, agreement = decision
            given = records.sentence_labels(sentence) if labels else None
            evidence = records.claim_evidence(label, given, adjudicated[1] if adjudicated else None)
            counted = dates.flagged, dates.left_out
            evidence = dates.items(evidence, count=adjudicated is not None)
            complete = evidence_complete(label, evidence)
            if not complete and require_evidence:
                dates.flagged, dates.left_out = counted  # the claim is not exported
                stats.left_out_incomplete += 1
                continue
            stats.add_claim(label, source, complete=complete)
            record = records.claim(
                meta=meta,
                sentences=sentences,
                position=position,
                label=label,
                source=source,
                labels=given,
                evidence=evidence,
                complete=complete,
                adjudicated=adjudicated,
                agreement=agreement,
                related=related.get(sentence[1], ()),
            )
            if label_dates:
                record["label_date"] = records.label_date(label, given, adjudicated)
            writer.write_claim(record)
        stats.incomplete_annotations += incomplete
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
        self.stats.evidence_after_article += self.dates.flagged
        if self.dates.leave_out:
            self.stats.evidence_after_article_left_out = (
                self.stats.evidence_after_article_left_out or 0
            ) + self.dates.left_out
        self.dates.flagged = self.dates.left_out = 0
