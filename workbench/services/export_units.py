"""One slice of articles exported from one read session into one writer.

An export is a run of slices in article id order; each process of an export holds an
``ArticleExporter`` over its own session, all on the same snapshot of the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy.orm import Session

from workbench.db import export_queries as eq
from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.gold import Gold, Policy, gold_label
from workbench.domain.labels import Evidence, evidence_complete
from workbench.exporters import DatasetWriter
from workbench.exporters.card import ExportSettings
from workbench.exporters.lines import (
    LineParts,
    Reviewers,
    agreeing_evidence,
    claim_annotations,
    guideline_version_of,
    sentence_labels,
)
from workbench.exporters.records import (
    ExportStats,
    Pseudonyms,
    Record,
    observed_agreement,
    sentence_id,
)

_first = itemgetter(0)
Decision = tuple[Gold | None, float | None]


def _evidence_by_owner(rows: Iterable[eq.EvidenceTuple]) -> dict[int, list[Record]]:
    """Evidence items by owner id (rows come sorted by owner), in the file formats' field order."""
    return {
        owner: [Evidence(*item[1:]).to_dict() for item in items]
        for owner, items in groupby(rows, _first)
    }


class _Decisions(dict[tuple[tuple[str, ...], str | None], Decision]):
    """Gold label and observed agreement per (reviewer labels, adjudicated label), computed once."""

    def __init__(self, policy: Policy, min_reviewers: int):
        super().__init__()
        self.policy, self.min_reviewers = policy, min_reviewers

    def __missing__(self, key: tuple[tuple[str, ...], str | None]) -> Decision:
        verdicts, adjudicated = key
        decision = gold_label(
            verdicts, adjudicated=adjudicated, policy=self.policy, min_reviewers=self.min_reviewers
        )
        result = self[key] = (decision, observed_agreement(verdicts))
        return result


@dataclass
class _Batch:
    """What a slice of articles brings from the database, grouped by sentence id."""

    labels: dict[int, eq.LabelGroup]
    # Adjudicated label, its evidence, guideline version and rationale, by sentence id.
    gold: dict[int, tuple[str, list[Record], int | None, str]]
    related: dict[int, list[str]]


class ArticleExporter:
    """Sends slices of articles' records to a writer, reading them through one session."""

    def __init__(self, session: Session, settings: ExportSettings, pseudonyms: Pseudonyms):
        self.session = session
        self.time: Callable[[Any], str] = eq.label_time(session)
        names = {user.id: user.name for user in queries.list_users(session)}
        self.reviewers = Reviewers(names, pseudonyms)
        self.parts = LineParts(self.reviewers)
        self.decisions = _Decisions(Policy(settings.policy), settings.min_reviewers)
        self.require_evidence = settings.require_evidence

    def export(
        self, article_ids: Sequence[str], writer: DatasetWriter | None, stats: ExportStats
    ) -> int:
        """Export these articles (in id order) into ``writer`` and ``stats``; return their labels.

        ``writer`` None is a dry run that only counts.
        """
        session = self.session
        articles = eq.articles_by_id(session, article_ids=article_ids)
        by_article = {
            article: list(sentences)
            for article, sentences in groupby(
                eq.sentences_of(session, article_ids=article_ids), attrgetter("article_id")
            )
        }
        groups = eq.labels_of(session, article_ids=article_ids)
        labels = {group[0]: group for group in groups}
        users = set(" ".join([group[1] for group in labels.values()]).split(" "))
        stats.reviewers.update(self.reviewers.name[user] for user in users - {""})
        gold_evidence = _evidence_by_owner(eq.gold_evidence_of(session, article_ids=article_ids))
        gold = {
            sentence: (label, gold_evidence.get(gold_id, []), version, rationale)
            for sentence, gold_id, label, version, rationale in eq.gold_labels_of(
                session, article_ids=article_ids
            )
        }
        related: dict[int, list[str]] = defaultdict(list)
        for own, other_article, other_index in eq.links_of(session, article_ids=article_ids):
            related[own].append(sentence_id(other_article, other_index))
        batch = _Batch(labels, gold, related)
        return sum(
            self._article(writer, stats, article, by_article.get(article.id, []), batch)
            for article in articles
        )

    def _article(
        self,
        writer: DatasetWriter | None,
        stats: ExportStats,
        article: eq.ArticleRow,
        sentences: list[eq.SentenceRow],
        batch: _Batch,
    ) -> int:
        """Send one article's records; return how many reviewer labels it had."""
        decisions, parts, reviewers = self.decisions, self.parts, self.reviewers
        write_annotations = writer is not None and writer.takes_annotations
        labels, gold, related = batch.labels, batch.gold, batch.related
        meta = {
            "id": article.id,
            "title": article.title,
            "outlet": article.outlet,
            "url": article.url,
            "published": article.published,
        }
        stats.articles += 1
        label_sets: list[tuple[str, ...]] = []
        seen = 0
        chunks: list[str] = []
        article_part = parts.article(article.id)
        for position, sentence in enumerate(sentences):
            group = labels.get(sentence.id)
            adjudicated = gold.get(sentence.id)
            verdicts: tuple[str, ...] = ()
            if group is not None:
                # In database order: the gold label, agreement and counts do not depend on order.
                verdicts = tuple(group[2].split(" "))
                seen += len(verdicts)
                if write_annotations:
                    chunk, incomplete = parts.lines(
                        article_part, sentence.number, sentence.text, group
                    )
                    chunks.append(chunk)
                else:
                    incomplete = parts.incomplete(group)
                if not sentence.boilerplate:
                    stats.incomplete_annotations += incomplete
            if sentence.boilerplate:
                continue  # its labels are exported, but it has no gold label and no agreement
            if verdicts:
                label_sets.append(verdicts)
            decision, agreement = decisions[verdicts, adjudicated[0] if adjudicated else None]
            if decision is None:
                continue
            rows = [] if group is None else sentence_labels(group, reviewers)
            evidence = adjudicated[1] if adjudicated else agreeing_evidence(rows, decision.label)
            complete = evidence_complete(decision.label, evidence)
            if not complete and self.require_evidence:
                stats.left_out_incomplete += 1
                continue
            stats.add_claim(decision.label, decision.source.value, complete=complete)
            if writer is None:
                continue
            annotations = claim_annotations(
                rows, self.time, parse_evidence=writer.parsed_evidence, complete=parts.complete
            )
            before = sentences[position - 1].text if position > 0 else None
            after = sentences[position + 1].text if position + 1 < len(sentences) else None
            writer.write_claim(
                {
                    "id": sentence_id(article.id, sentence.number),
                    "article": meta,
                    "sentence": {
                        "index": sentence.number,
                        "start": sentence.start,
                        "end": sentence.end,
                        "text": sentence.text,
                    },
                    "context": {"before": before, "after": after},
                    "label": decision.label,
                    "label_source": decision.source.value,
                    "guideline_version": adjudicated[2]
                    if adjudicated
                    else guideline_version_of(rows, decision.label),
                    "evidence": evidence,
                    "evidence_complete": complete,
                    "rationale": adjudicated[3] if adjudicated else None,
                    "annotations": annotations,
                    "agreement": {"reviewers": len(verdicts), "observed_agreement": agreement},
                    "related": related.get(sentence.id, []),
                }
            )
        stats.add_sentences(len(sentences), label_sets)
        if chunks:
            lines = "".join(chunks).encode("utf-8")
            writer.write_annotations(lines, seen)  # type: ignore[union-attr]
        if writer is not None and writer.takes_articles:
            writer.write_article(
                {
                    **meta,
                    "body": article.body,
                    "sentences": [_sentence_record(s) for s in sentences],
                }
            )
        return seen


def _sentence_record(sentence: eq.SentenceRow) -> Record:
    """A sentence of ``articles.jsonl``; a boilerplate one says so (``"boilerplate": true``)."""
    record: Record = {
        "index": sentence.number,
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
        "checkworthiness": sentence.checkworthiness,
    }
    if sentence.boilerplate:
        record["boilerplate"] = True
    return record


@contextmanager
def snapshot_session(db: Database) -> Iterator[Session]:
    """A read session that sees one snapshot of the database for all its queries."""
    with db.read() as session:
        if not db.is_sqlite:
            # As SQLite's read transaction gives: every query sees the same committed data.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session
