"""Exporting a gold-standard dataset: stream the database through a format writer into a folder.

Large exports of JSON Lines formats run on several processes (``export_workers``)."""

from __future__ import annotations

import gc
import io
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson
from sqlalchemy.orm import Session

from workbench import config, keyfile
from workbench.db import export_preview, labels
from workbench.db import export_queries as eq
from workbench.db.engine import Database, sqlite_path
from workbench.domain.gold import Policy, gold_label
from workbench.domain.labels import LABELS, evidence_complete
from workbench.errors import InputError
from workbench.exporters import FORMATS, WRITERS, DatasetWriter
from workbench.exporters.card import ExportSettings, build_manifest, dataset_card
from workbench.exporters.csv_table import CsvWriter
from workbench.exporters.folder import MANIFEST, staged_folder
from workbench.exporters.records import ExportStats, Pseudonyms, Record
from workbench.services.export_units import ArticleExporter, snapshot_session
from workbench.services.export_workers import export_in_processes

ARTICLE_BATCH = 500
# Below this many labels, starting worker processes costs more than they save.
PARALLEL_FROM = 200_000
MAX_PROCESSES = 4
Progress = Callable[[int, int], None]
# The manifest counts of labels saved before their evidence (see ``evidence_complete``).
INCOMPLETE_COUNTS = ("incomplete_annotations", "incomplete_claims", "incomplete_claims_left_out")


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
    # CSV cells that a spreadsheet would run as formulas are written without the ' guard.
    raw_csv: bool = False
    # Leave out gold labels still lacking the evidence their verdict asks for (incomplete).
    require_evidence: bool = False

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
            raw_csv=self.raw_csv,
            require_evidence=self.require_evidence,
        )


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A finished export: its folder and its manifest."""

    folder: Path
    manifest: Record
    # Processes that exported (this one included); not part of the files.
    processes: int = 1


def exports_dir() -> Path:
    """Where the app puts exports: $WORKBENCH_EXPORTS_DIR or ``exports/``."""
    return config.exports_dir()


def folder_name(options: ExportOptions) -> str:
    """A folder name that says what an export holds, e.g. ``jsonl-majority-min2-anonymized``."""
    parts = [options.format, options.policy, f"min{options.min_reviewers}"]
    if options.anonymize:
        parts.append("anonymized")
    if options.article_ids or options.since or options.until:
        parts.append("filtered")
    if options.require_evidence:
        parts.append("complete")
    return "-".join(parts)


def pseudonym_key() -> bytes:
    """The secret behind reviewer pseudonyms: $WORKBENCH_PSEUDONYM_KEY or a key file (created)."""
    return config.pseudonym_key() or keyfile.read_or_create(config.pseudonym_key_file())


def _slices(session: Session, settings: ExportSettings) -> list[list[str]]:
    """The export's article ids in id order, ``ARTICLE_BATCH`` at a time; InputError for unknown."""
    missing = eq.missing_articles(session, article_ids=settings.articles)
    if missing:
        raise InputError(f"unknown article id(s): {', '.join(missing)}")
    ids = eq.article_ids(session, article_filter=_article_filter(settings))
    return [ids[start : start + ARTICLE_BATCH] for start in range(0, len(ids), ARTICLE_BATCH)]


def _article_filter(settings: ExportSettings) -> eq.ArticleFilter:
    return eq.ArticleFilter(settings.articles, settings.since, settings.until)


def _count(db: Database, settings: ExportSettings) -> int:
    """Reviewer labels the export covers (to size the progress bar and choose processes)."""
    with db.read() as session:
        return eq.count_annotations(session, article_filter=_article_filter(settings))


def _processes(db: Database, jobs: int | None, labels: int, writer: type[DatasetWriter]) -> int:
    """How many processes export: ``jobs``, or by default every core for a large export."""
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {jobs}")
    url = db.engine.url.render_as_string(hide_password=False)
    in_memory = db.is_sqlite and sqlite_path(url) is None
    if not writer.concatenable or in_memory:
        return 1
    if jobs is None:
        return parallel_processes() if labels >= PARALLEL_FROM else 1
    return jobs


def parallel_processes() -> int:
    """Processes a large export uses by default: one per usable core, at most MAX_PROCESSES."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(MAX_PROCESSES, cores)


def _export_here(
    db: Database,
    settings: ExportSettings,
    pseudonyms: Pseudonyms,
    writer: DatasetWriter | None,
    stats: ExportStats,
    progress: Progress | None,
    total: int,
) -> None:
    """Export every slice in this process, through one read session."""
    with snapshot_session(db) as session:
        exporter = ArticleExporter(session, settings, pseudonyms)
        done = 0
        for article_ids in _slices(session, settings):
            done += exporter.export(article_ids, writer, stats)
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


def _write_text(path: Path, text: str | bytes) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _open_writer(
    writer_class: type[DatasetWriter], staged: Path, settings: ExportSettings
) -> DatasetWriter:
    if issubclass(writer_class, CsvWriter):
        return writer_class(staged, raw_cells=settings.raw_csv)
    return writer_class(staged)


def preview_export(db: Database, *, options: ExportOptions, evidence: bool = True) -> ExportStats:
    """Counts, label distribution and agreement an export with these options would have.

    Computed from aggregate queries (label combinations per sentence, from the maintained
    ``sentence_label_counts``), so the work does not grow with the number of labels; writes
    nothing. The figures equal those of the export's manifest. Without ``evidence`` (ignored
    when the options leave incomplete gold labels out) the incomplete counts are not computed
    and stay 0: that part reads every label's evidence (see ``preview_figures``).
    """
    settings = options.settings()
    evidence = evidence or settings.require_evidence
    article_filter = _article_filter(settings)
    with db.read() as session:
        missing = eq.missing_articles(session, article_ids=settings.articles)
        if missing:
            raise InputError(f"unknown article id(s): {', '.join(missing)}")
        figures = export_preview.preview_figures(
            session, article_filter=article_filter, evidence=evidence
        )
    stats = ExportStats(
        articles=figures.articles,
        sentences=figures.sentences,
        incomplete_annotations=figures.incomplete_annotations or 0,
    )
    stats.reviewers.update(figures.reviewers)
    policy = Policy(settings.policy)
    for combination in figures.combinations:
        verdicts = tuple(
            label
            for label, times in zip(LABELS, combination.counts, strict=True)
            for _ in range(times)
        )
        if verdicts:
            stats.label_sets[verdicts] += combination.sentences
        decision = gold_label(
            verdicts,
            adjudicated=combination.adjudicated,
            policy=policy,
            min_reviewers=settings.min_reviewers,
        )
        if decision is None:
            continue
        stances = [{"stance": stance} for stance in combination.stances]
        complete = not evidence or evidence_complete(decision.label, stances)
        if not complete and settings.require_evidence:
            stats.left_out_incomplete += combination.sentences
            continue
        stats.add_claim(
            decision.label, decision.source.value, complete=complete, times=combination.sentences
        )
    return stats


def preview_key(db: Database) -> tuple[int, int]:
    """What a cached preview must be keyed by: the newest audit id and the article count."""
    with db.read() as session:
        return labels.last_change(session), export_preview.article_count(session)


def export_dataset(
    db: Database,
    *,
    out: Path,
    options: ExportOptions,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> ExportResult:
    """Write the dataset into ``out`` atomically (a hidden sibling folder, fsynced, renamed).

    ``jobs`` processes export side by side (JSON Lines formats, file or server databases); by
    default every core for exports of ``PARALLEL_FROM`` labels or more, else this process only.
    The files are the same whatever the number of processes.
    """
    settings = options.settings()
    writer_class = WRITERS[settings.format]
    key = pseudonym_key() if options.anonymize else None
    total = _count(db, settings)
    processes = _processes(db, jobs, total, writer_class)
    stats = ExportStats()
    with staged_folder(out) as staged, _collector_paused:
        if processes > 1:
            records, digests = export_in_processes(
                db,
                settings=settings,
                key=key,
                staged=staged,
                processes=processes,
                plan=lambda session: _slices(session, settings),
                stats=stats,
                progress=progress,
                total=total,
            )
        else:
            writer = _open_writer(writer_class, staged, settings)
            _export_here(db, settings, Pseudonyms(key), writer, stats, progress, total)
            records, digests = writer.close(), {}
        card = dataset_card(settings, stats, writer_class.files, writer_class.description)
        _write_text(staged / "README.md", card)
        manifest = build_manifest(staged, settings, stats, records, digests=digests)
        _write_text(staged / MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return ExportResult(folder=Path(os.path.abspath(out)), manifest=manifest, processes=processes)


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
