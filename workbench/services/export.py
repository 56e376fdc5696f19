"""Exporting a gold-standard dataset: stream the database through a format writer into a folder."""

from __future__ import annotations

import gc
import io
import os
import threading
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.orm import Session

from workbench import keyfile
from workbench.db import export_queries as eq
from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.gold import Gold, Policy, gold_label
from workbench.domain.labels import Evidence
from workbench.errors import InputError
from workbench.exporters import FORMATS, WRITERS, DatasetWriter
from workbench.exporters.card import ExportSettings, build_manifest, dataset_card
from workbench.exporters.folder import MANIFEST, staged_folder
from workbench.exporters.lines import (
    LineParts,
    Reviewers,
    agreeing_evidence,
    claim_annotations,
    sentence_labels,
)
from workbench.exporters.records import (
    ExportStats,
    Pseudonyms,
    Record,
    observed_agreement,
    sentence_id,
)

KEY_ENV = "WORKBENCH_PSEUDONYM_KEY"
KEY_FILE_ENV = "WORKBENCH_PSEUDONYM_KEY_FILE"
DEFAULT_KEY_FILE = Path("db") / "pseudonym.key"
EXPORTS_ENV = "WORKBENCH_EXPORTS_DIR"
ARTICLE_BATCH = 500
Progress = Callable[[int, int], None]
_first = itemgetter(0)


def _iso_date(option: str, value: str | None) -> str | None:
    """``value`` as ``YYYY-MM-DD`` (what article dates are stored as), or InputError."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(f"{option} must be a date like 2025-06-04, got {value!r}") from exc


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What to export and how gold labels are chosen (the CLI's and the page's options)."""

    format: str = "jsonl"
    policy: str = Policy.UNANIMOUS.value
    min_reviewers: int = 2
    anonymize: bool = False
    article_ids: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None

    def settings(self) -> ExportSettings:
        """Validated options, or InputError naming the bad one."""
        if self.format not in WRITERS:
            raise InputError(
                f"unknown format {self.format!r}; expected one of {', '.join(FORMATS)}"
            )
        try:
            policy = Policy(self.policy)
        except ValueError as exc:
            allowed = ", ".join(p.value for p in Policy)
            raise InputError(f"unknown policy {self.policy!r}; expected one of {allowed}") from exc
        if self.min_reviewers < 1:
            raise InputError(f"--min-reviewers must be at least 1, got {self.min_reviewers}")
        since, until = _iso_date("--since", self.since), _iso_date("--until", self.until)
        return ExportSettings(
            format=self.format,
            policy=policy.value,
            min_reviewers=self.min_reviewers,
            anonymized=self.anonymize,
            articles=tuple(sorted(set(self.article_ids))),
            since=since,
            until=until,
        )


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A finished export: its folder and its manifest."""

    folder: Path
    manifest: Record


@dataclass
class _Sink:
    """Where records go; ``None`` writer means a dry run that only counts."""

    writer: DatasetWriter | None
    settings: ExportSettings
    pseudonyms: Pseudonyms
    stats: ExportStats = field(default_factory=ExportStats)
    decisions: _Decisions = field(init=False)

    def __post_init__(self) -> None:
        self.decisions = _Decisions(Policy(self.settings.policy), self.settings.min_reviewers)


def exports_dir() -> Path:
    """Where the app puts exports: $WORKBENCH_EXPORTS_DIR or ``exports/``."""
    return Path(os.environ.get(EXPORTS_ENV) or "exports")


def folder_name(options: ExportOptions) -> str:
    """A folder name that says what an export holds, e.g. ``jsonl-majority-min2-anonymized``."""
    parts = [options.format, options.policy, f"min{options.min_reviewers}"]
    if options.anonymize:
        parts.append("anonymized")
    if options.article_ids or options.since or options.until:
        parts.append("filtered")
    return "-".join(parts)


def pseudonym_key() -> bytes:
    """The secret behind reviewer pseudonyms: $WORKBENCH_PSEUDONYM_KEY or a key file (created)."""
    explicit = os.environ.get(KEY_ENV)
    if explicit:
        return explicit.encode("utf-8")
    return keyfile.read_or_create(Path(os.environ.get(KEY_FILE_ENV) or DEFAULT_KEY_FILE))


def _evidence_by_owner(rows: Iterable[eq.EvidenceTuple]) -> dict[int, list[Record]]:
    """Evidence items by owner id (rows come sorted by owner), in the file formats' field order."""
    return {
        owner: [Evidence(*item[1:]).to_dict() for item in items]
        for owner, items in groupby(rows, _first)
    }


Decision = tuple[Gold | None, float | None]


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
    """What a batch of articles brings from the database, grouped by sentence id."""

    labels: dict[int, eq.LabelGroup]
    gold: dict[int, tuple[str, list[Record]]]
    related: dict[int, list[str]]
    reviewers: Reviewers
    time: Callable[[Any], str]


def _export_article(
    sink: _Sink,
    parts: LineParts,
    article: eq.ArticleRow,
    sentences: list[eq.SentenceRow],
    batch: _Batch,
) -> int:
    """Send one article's records to the sink; return how many reviewer labels it had."""
    writer, stats, decisions = sink.writer, sink.stats, sink.decisions
    write_annotations = writer is not None and writer.takes_annotations
    labels, gold, related, reviewers = batch.labels, batch.gold, batch.related, batch.reviewers
    meta = {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published,
    }
    stats.articles += 1
    label_sets: list[tuple[str, ...]] = []
    chunks: list[str] = []
    article_part = parts.article(article.id)
    for position, sentence in enumerate(sentences):
        group = labels.get(sentence.id)
        adjudicated = gold.get(sentence.id)
        verdicts: tuple[str, ...] = ()
        if group is not None:
            # In database order: the gold label, agreement and counts do not depend on order.
            verdicts = tuple(group[2].split(" "))
            label_sets.append(verdicts)
            if write_annotations:
                chunks.append(parts.lines(article_part, sentence.number, sentence.text, group))
        decision, agreement = decisions[verdicts, adjudicated[0] if adjudicated else None]
        if decision is None:
            continue
        stats.add_claim(decision.label, decision.source.value)
        if writer is None:
            continue
        rows = [] if group is None else sentence_labels(group, reviewers)
        annotations = claim_annotations(rows, batch.time, parse_evidence=writer.parsed_evidence)
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
                "evidence": adjudicated[1]
                if adjudicated
                else agreeing_evidence(rows, decision.label),
                "annotations": annotations,
                "agreement": {"reviewers": len(verdicts), "observed_agreement": agreement},
                "related": related.get(sentence.id, []),
            }
        )
    stats.add_sentences(len(sentences), label_sets)
    seen = sum(map(len, label_sets))
    if chunks:
        lines = "".join(chunks).encode("utf-8")
        writer.write_annotations(lines, seen)  # type: ignore[union-attr]
    if writer is not None and writer.takes_articles:
        writer.write_article(
            {
                **meta,
                "body": article.body,
                "sentences": [
                    {
                        "index": s.number,
                        "start": s.start,
                        "end": s.end,
                        "text": s.text,
                        "checkworthiness": s.checkworthiness,
                    }
                    for s in sentences
                ],
            }
        )
    return seen


def _stream(session: Session, sink: _Sink, progress: Progress | None) -> None:
    settings = sink.settings
    article_filter = eq.ArticleFilter(settings.articles, settings.since, settings.until)
    missing = eq.missing_articles(session, article_ids=settings.articles)
    if missing:
        raise InputError(f"unknown article id(s): {', '.join(missing)}")
    total = eq.count_annotations(session, article_filter=article_filter) if progress else 0
    done = 0
    time = eq.label_time(session)
    names = {user.id: user.name for user in queries.list_users(session)}
    reviewers = Reviewers(names, sink.pseudonyms)
    parts = LineParts(reviewers)
    for articles in eq.iter_article_batches(
        session, article_filter=article_filter, batch_size=ARTICLE_BATCH
    ):
        ids = [article.id for article in articles]
        by_article = {
            article: list(sentences)
            for article, sentences in groupby(
                eq.sentences_of(session, article_ids=ids), attrgetter("article_id")
            )
        }
        labels = {group[0]: group for group in eq.labels_of(session, article_ids=ids)}
        users = set(" ".join([group[1] for group in labels.values()]).split(" "))
        sink.stats.reviewers.update(reviewers.name[user] for user in users - {""})
        gold_evidence = _evidence_by_owner(eq.gold_evidence_of(session, article_ids=ids))
        gold = {
            sentence: (label, gold_evidence.get(gold_id, []))
            for sentence, gold_id, label in eq.gold_labels_of(session, article_ids=ids)
        }
        related: dict[int, list[str]] = defaultdict(list)
        for own, other_article, other_index in eq.links_of(session, article_ids=ids):
            related[own].append(sentence_id(other_article, other_index))
        batch = _Batch(labels, gold, related, reviewers, time)
        for article in articles:
            done += _export_article(sink, parts, article, by_article.get(article.id, []), batch)
        if progress is not None:
            progress(done, total)


class _CollectorPause:
    """Keeps the cyclic garbage collector off while any export runs (re-entrant, thread-safe).

    An export allocates millions of short-lived tuples and strings that form no reference
    cycles; the collector would only rescan them, about a tenth of the export's time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._running == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0 and self._was_enabled:
                gc.enable()


_collector_paused = _CollectorPause()


def _run(db: Database, sink: _Sink, progress: Progress | None) -> None:
    with _collector_paused, db.read() as session:
        if not db.is_sqlite:
            # One snapshot for every query of the export, as SQLite's read transaction gives.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        _stream(session, sink, progress)


def _write_text(path: Path, text: str | bytes) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def preview_export(db: Database, *, options: ExportOptions) -> ExportStats:
    """Counts and label distribution an export with these options would have; writes nothing."""
    settings = options.settings()
    sink = _Sink(None, settings, Pseudonyms(pseudonym_key() if options.anonymize else None))
    _run(db, sink, None)
    return sink.stats


def export_dataset(
    db: Database, *, out: Path, options: ExportOptions, progress: Progress | None = None
) -> ExportResult:
    """Write the dataset into ``out`` atomically (a hidden sibling folder, fsynced, renamed)."""
    settings = options.settings()
    writer_class = WRITERS[settings.format]
    pseudonyms = Pseudonyms(pseudonym_key() if options.anonymize else None)
    with staged_folder(out) as staged:
        sink = _Sink(writer_class(staged), settings, pseudonyms)
        _run(db, sink, progress)
        assert sink.writer is not None
        records = sink.writer.close()
        card = dataset_card(settings, sink.stats, writer_class.files, writer_class.description)
        _write_text(staged / "README.md", card)
        manifest = build_manifest(staged, settings, sink.stats, records)
        _write_text(staged / MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return ExportResult(folder=Path(os.path.abspath(out)), manifest=manifest)


def zip_folder(folder: Path) -> bytes:
    """The files of an export folder as a zip archive (fixed timestamps: same files, same zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                info = zipfile.ZipInfo(
                    f"{folder.name}/{path.name}", date_time=(2000, 1, 1, 0, 0, 0)
                )
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
