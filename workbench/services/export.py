"""Exporting a gold-standard dataset: a pipeline from the database into a folder.

The row source (``db.export_queries.export_rows``) streams each article with its sentences,
labels, gold labels and links; the formatter (``exporters.formatter``) turns them into records
(built in ``exporters.records``); the format's writer writes its files into a hidden folder
that is renamed into place when everything is written. All in this process, in one read
transaction whose statements all see the same committed data.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import orjson
from sqlalchemy.orm import Session

from workbench import config, keyfile
from workbench.db import export_preview, labels, queries
from workbench.db import export_queries as eq
from workbench.db.engine import Database
from workbench.db.link_decisions import pair_rows
from workbench.domain.gold import Policy, gold_label
from workbench.domain.labels import LABELS, evidence_complete
from workbench.errors import InputError
from workbench.exporters import FORMATS, WRITERS, DatasetWriter
from workbench.exporters.card import ExportSettings, build_manifest, dataset_card
from workbench.exporters.claimreview import ClaimReviewWriter
from workbench.exporters.csv_table import CsvWriter
from workbench.exporters.folder import MANIFEST, staged_folder
from workbench.exporters.formatter import Formatter
from workbench.exporters.pairs import pair_record
from workbench.exporters.publisher import (
    Publisher,
    check_org_url,
    check_review_url,
    parse_ratings,
)
from workbench.exporters.records import ExportStats, Pseudonyms, Record, Reviewers

Progress = Callable[[int, int], None]
# The manifest counts of labels saved before their evidence (see ``evidence_complete``).
ZIP_CHUNK = 1 << 20  # bytes copied into the archive at a time
INCOMPLETE_COUNTS = ("incomplete_annotations", "incomplete_claims", "incomplete_claims_left_out")


def _iso_date(option: str, value: str | None) -> str | None:
    """``value`` as ``YYYY-MM-DD`` (what article dates are stored as), or InputError."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(f"{option} must be a date like 2025-06-04, got {value!r}") from exc


def _given(
    check: Callable[[str], str], option_value: str, option: str, setting_value: str, setting: str
) -> str:
    """The option's value, else the setting's, checked; InputError naming where it came from."""
    value, source = (
        (option_value.strip(), option) if option_value.strip() else (setting_value, setting)
    )
    if not value:
        return ""
    try:
        return check(value)
    except InputError as exc:
        raise InputError(f"{source}: {exc.detail}") from exc


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
    # Leave out evidence items published after their article (unknown dates are kept).
    evidence_before_claim: bool = False
    # ClaimReview's publisher; each empty one falls back to its WORKBENCH_CLAIMREVIEW_* setting.
    org_name: str = ""
    org_url: str = ""
    review_url: str = ""
    # ``VERDICT=TEXT`` items over the setting's (and over the defaults).
    ratings: tuple[str, ...] = ()

    def publisher(self) -> Publisher:
        """The ClaimReview publisher from these options over the settings, or InputError
        naming the setting and option that are missing or wrong."""
        env = config.ClaimReviewSettings.from_env()
        missing = []
        if not (self.org_name.strip() or env.org_name):
            missing.append(
                f"the organisation's name (set {config.CLAIMREVIEW_ORG_NAME_ENV} or pass "
                "--org-name; on the Export page, Organisation name)"
            )
        if not (self.review_url.strip() or env.review_url):
            missing.append(
                "the review URL template, e.g. https://factcheck.example/reviews/"
                f"{{article}}-{{index}} (set {config.CLAIMREVIEW_REVIEW_URL_ENV} or pass "
                "--review-url; on the Export page, Review URL template)"
            )
        if missing:
            raise InputError(
                "a ClaimReview export is published by a fact-checking organisation and needs "
                + " and ".join(missing)
            )
        ratings = {
            **parse_ratings(env.ratings, source=config.CLAIMREVIEW_RATINGS_ENV),
            **parse_ratings(self.ratings, source="--rating"),
        }
        review_url = _given(
            check_review_url, self.review_url, "--review-url", env.review_url,
            config.CLAIMREVIEW_REVIEW_URL_ENV,
        )  # fmt: skip
        org_url = _given(
            check_org_url, self.org_url, "--org-url", env.org_url, config.CLAIMREVIEW_ORG_URL_ENV
        )
        name = self.org_name.strip() or env.org_name
        return Publisher.build(name=name, review_url=review_url, url=org_url, ratings=ratings)

    def settings(self, *, publisher: bool = True) -> ExportSettings:
        """Validated options, or InputError naming the bad one; a ClaimReview export's
        publisher too unless ``publisher`` is false (a preview needs none)."""
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
            evidence_before_claim=self.evidence_before_claim,
            publisher=self.publisher()
            if publisher and self.format == ClaimReviewWriter.name
            else None,
        )


def publisher_problem(options: ExportOptions) -> str | None:
    """Why a ClaimReview export with these options would not run (its publisher), or None."""
    if options.format != ClaimReviewWriter.name:
        return None
    try:
        options.publisher()
    except InputError as exc:
        return exc.detail
    return None


def claimreview_settings() -> config.ClaimReviewSettings:
    """The ClaimReview publisher the settings give (what empty options fall back to)."""
    return config.ClaimReviewSettings.from_env()


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A finished export: its folder and its manifest."""

    folder: Path
    manifest: Record


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
    if options.evidence_before_claim:
        parts.append("before-claim")
    return "-".join(parts)


def pseudonym_key() -> bytes:
    """The secret behind reviewer pseudonyms: $WORKBENCH_PSEUDONYM_KEY or a key file (created)."""
    return config.pseudonym_key() or keyfile.read_or_create(config.pseudonym_key_file())


def _article_filter(settings: ExportSettings) -> eq.ArticleFilter:
    return eq.ArticleFilter(settings.articles, settings.since, settings.until)


@contextmanager
def _consistent_read(db: Database) -> Iterator[Session]:
    """A read session whose statements all see the same committed data."""
    with db.read() as session:
        if not db.is_sqlite:
            # As SQLite's read transaction gives: every statement sees the same committed data.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


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
    if issubclass(writer_class, ClaimReviewWriter):
        assert settings.publisher is not None  # settings() requires one for this format
        return writer_class(staged, settings.publisher)
    return writer_class(staged)


def _export_rows(
    session: Session,
    settings: ExportSettings,
    writer: DatasetWriter,
    stats: ExportStats,
    pseudonyms: Pseudonyms,
    progress: Progress | None,
) -> None:
    """Stream the export's articles through the formatter into ``writer``."""
    article_filter = _article_filter(settings)
    missing = eq.missing_articles(session, article_ids=settings.articles)
    if missing:
        raise InputError(f"unknown article id(s): {', '.join(missing)}")
    total = eq.count_annotations(session, article_filter=article_filter)
    names = {user.id: user.name for user in queries.list_users(session)}
    formatter = Formatter(
        writer,
        stats,
        reviewers=Reviewers(names, pseudonyms),
        time=eq.label_time(session),
        policy=Policy(settings.policy),
        min_reviewers=settings.min_reviewers,
        require_evidence=settings.require_evidence,
        evidence_before_claim=settings.evidence_before_claim,
    )
    done = 0
    for rows in eq.export_rows(session, article_filter=article_filter):
        done += formatter.article(rows)
        if progress is not None:
            progress(done, total)
    formatter.finish()
    if writer.takes_pairs:
        for row in pair_rows(session):
            writer.write_pair(pair_record(row, lambda user: pseudonyms(names[user])))


def preview_export(db: Database, *, options: ExportOptions, evidence: bool = True) -> ExportStats:
    """Counts, label distribution and agreement an export with these options would have.

    Computed from aggregate queries (label combinations per sentence, from the maintained
    ``sentence_label_counts``), so the work does not grow with the number of labels; writes
    nothing. The figures equal those of the export's manifest. Without ``evidence`` (ignored
    when the options leave incomplete gold labels out) the incomplete counts are not computed
    and stay 0: that part reads every label's evidence (see ``preview_figures``).

    Takes the ``Database``: the figures are read in one read transaction of its own and
    computed after it has closed.
    """
    settings = options.settings(publisher=False)
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
    """What a cached preview must be keyed by: the newest audit id and the article count.

    Takes the ``Database``: the page asks for the key before it holds any session, on every
    run, and the key is read in one short read transaction of its own.
    """
    with db.read() as session:
        return labels.last_change(session), export_preview.article_count(session)


def export_dataset(
    db: Database,
    *,
    out: Path,
    options: ExportOptions,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the dataset into ``out`` atomically (a hidden sibling folder, fsynced, renamed).

    Takes the ``Database``, not a session: the export reads through a consistent read session
    of its own while it writes files, and nothing it reads may change in between.
    """
    settings = options.settings()
    writer_class = WRITERS[settings.format]
    pseudonyms = Pseudonyms(pseudonym_key() if options.anonymize else None)
    stats = ExportStats()
    with staged_folder(out) as staged:
        writer = _open_writer(writer_class, staged, settings)
        with _consistent_read(db) as session:
            _export_rows(session, settings, writer, stats, pseudonyms, progress)
        records = writer.close()
        card = dataset_card(settings, stats, writer_class.files, writer_class.description)
        _write_text(staged / "README.md", card)
        manifest = build_manifest(staged, settings, stats, records, digests=writer.digests)
        _write_text(staged / MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return ExportResult(folder=Path(os.path.abspath(out)), manifest=manifest)


def write_zip(folder: Path, target: IO[bytes]) -> None:
    """Write the files of an export folder to ``target`` as a zip, a file at a time in chunks.

    Fixed timestamps and modes: the same files give the same archive.
    """
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                info = zipfile.ZipInfo(
                    f"{folder.name}/{path.name}", date_time=(2000, 1, 1, 0, 0, 0)
                )
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.file_size = path.stat().st_size  # lets a file over 2 GiB get its zip64 header
                with path.open("rb") as source, archive.open(info, "w") as member:
                    shutil.copyfileobj(source, member, ZIP_CHUNK)


def zip_folder(folder: Path) -> bytes:
    """The files of an export folder as a zip archive in memory (the Export page's download)."""
    buffer = io.BytesIO()
    write_zip(folder, buffer)
    return buffer.getvalue()
