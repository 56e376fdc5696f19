"""Loading articles from files, folders and URLs; each file is its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.db.engine import Database
from workbench.domain.articles import ArticleDraft, normalise_text
from workbench.errors import InputError
from workbench.services.articles import store_article

SUPPORTED = (".txt", ".md")


@dataclass
class IngestReport:
    """What one ingest call did: ids added, sources skipped as duplicates, errors."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def _read_text_file(path: Path) -> list[ArticleDraft]:
    text = normalise_text(path.read_bytes().decode("utf-8"))
    lines = text.split("\n", 1)
    return [ArticleDraft(id=path.stem, title=lines[0].strip(), body=text, source=str(path))]


def _expand(sources: Iterable[str]) -> Iterator[Path]:
    for source in sources:
        path = Path(source)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED)
        else:
            yield path


def ingest_paths(db: Database, sources: Iterable[str]) -> IngestReport:
    """Ingest every file under ``sources``; a bad file is reported and leaves nothing behind."""
    report = IngestReport()
    for path in _expand(sources):
        try:
            drafts = _read_text_file(path)
            with db.write() as session:
                for draft in drafts:
                    article = store_article(session, draft)
                    if article is None:
                        report.duplicates.append(draft.source or str(path))
                    else:
                        report.added.append(article.id)
        except InputError as exc:
            report.errors.append(InputError(exc.detail, source=str(path), line=exc.line))
        except (OSError, UnicodeDecodeError) as exc:
            report.errors.append(InputError(str(exc), source=str(path)))
    return report
