"""Loading articles from files, folders, uploads and URLs; each file is its own transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from workbench.db.engine import Database
from workbench.domain.articles import ArticleDraft
from workbench.errors import InputError
from workbench.services.articles import PreparedArticle, prepare_article, store_prepared
from workbench.services.claim_scoring import active_model
from workbench.services.fetch import FetchPolicy
from workbench.services.link_model import active_link_model
from workbench.services.linking import index_articles, link_articles
from workbench.services.readers import (
    SUPPORTED_SUFFIXES,
    fetch_url,
    folder_files,
    is_url,
    read_bytes,
    read_path,
)

_log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What one ingest call did: ids added, sources skipped as duplicates, errors."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)
    """Articles stored whose links may be missing (the database was busy); ``relink`` adds them."""


def _store_file(db: Database, drafts: list[ArticleDraft], report: IngestReport) -> list[str]:
    """Store every draft of one file in one transaction (all or none); return the ids added.

    Segmenting and scoring happen before the write transaction opens, so the file holds
    SQLite's write lock only while its rows are inserted.
    """
    with db.read() as session:
        model = active_model(session)
        active_link_model(session)  # a refused link model refuses the file before it is stored
    prepared: list[PreparedArticle] = []
    for draft in drafts:
        try:
            prepared.append(prepare_article(draft, model=model))
        except InputError as exc:
            raise InputError(exc.detail, line=exc.line or draft.line) from None
    added: list[str] = []
    duplicates: list[str] = []
    with db.write() as session:
        for item in prepared:
            try:
                article = store_prepared(session, prepared=item)
            except InputError as exc:
                raise InputError(exc.detail, line=exc.line or item.draft.line) from None
            if article is None:
                duplicates.append(item.draft.source or "")
            else:
                added.append(article.id)
        index_articles(session, article_ids=added)  # committed with the file: later files find it
    report.added += added
    report.duplicates += duplicates
    return added


def _ingest_source(
    db: Database, name: str, read: Callable[[], list[ArticleDraft]], report: IngestReport
) -> None:
    """Read and store one file or page; a failure becomes one error naming it.

    Any failure, not only the expected ones: the other files of the call are still loaded,
    and what a user sees names the file, never a traceback or a path on the server.
    """
    try:
        added = _store_file(db, read(), report)
    except InputError as exc:
        report.errors.append(InputError(exc.detail, source=name, line=exc.line))
    except IntegrityError:
        report.errors.append(
            InputError("an article with the same id or text was stored meanwhile", source=name)
        )
    except DataError:
        _log.debug("the database refused a value of %s", name, exc_info=True)
        report.errors.append(InputError("the database refused a value of this file", source=name))
    except RecursionError:
        report.errors.append(InputError("the file is nested too deeply to read", source=name))
    except Exception as exc:  # noqa: BLE001 (reported to the user as this file's error line)
        _log.debug("unexpected failure while loading %s", name, exc_info=True)
        report.errors.append(
            InputError(f"could not be loaded (unexpected {type(exc).__name__})", source=name)
        )
    else:
        _link_stored(db, added, report)


def _link_stored(db: Database, added: list[str], report: IngestReport) -> None:
    """Link a committed file's articles with no write transaction open (see services.linking).

    Outside the file's error handling: the file is stored whatever linking does, and a failure
    here is not that file's reading error.
    """
    try:
        link_articles(db, article_ids=added)
    except OperationalError:
        report.unlinked += added


def ingest_paths(
    db: Database, *, sources: Iterable[str], fetch_policy: FetchPolicy | None = None
) -> IngestReport:
    """Ingest files, folders (recursively) and http(s) URLs; a bad file leaves nothing behind.

    URLs are fetched under ``fetch_policy`` (default: public addresses only, unless the
    environment allows others; see workbench.services.fetch).

    Takes the ``Database``: each file is stored in a write transaction of its own (a bad file
    leaves nothing behind, the files before it stay stored) and linked after it commits.
    """
    report = IngestReport()
    policy = fetch_policy or FetchPolicy.from_env()
    for source in sources:
        if is_url(source):
            _ingest_source(db, source, partial(fetch_url, source, policy=policy), report)
            continue
        path = Path(source)
        if path.is_dir():
            files = folder_files(path)
            if not files:
                report.errors.append(
                    InputError(f"no {', '.join(SUPPORTED_SUFFIXES)} files in folder", source=source)
                )
            for file in files:
                _ingest_source(db, str(file), partial(read_path, file), report)
        elif path.exists():
            _ingest_source(db, source, partial(read_path, path), report)
        else:
            report.errors.append(InputError("no such file or folder", source=source))
    if report.added:
        db.refresh_statistics()
    return report


def ingest_upload(db: Database, *, filename: str, data: bytes) -> IngestReport:
    """Ingest one uploaded file with the same rules and messages as ``ingest_paths``.

    Takes the ``Database`` for the same reason: a write transaction, then linking after it.
    """
    report = IngestReport()
    name = Path(filename.replace("\\", "/")).name or "upload"
    _ingest_source(db, name, partial(read_bytes, name, data), report)
    return report
