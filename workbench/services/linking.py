"""Cross-article claim links, computed after an article's file has committed.

Linking compares new sentences with the whole corpus, which takes far longer than storing
them, so it never runs while a write transaction is open: it reads the committed corpus in a
read session, computes with no transaction open, then writes the links in one short write
transaction. Reading the committed corpus also means that of two files ingested at once the
later one always sees the earlier. Links are derived data: an article committed without them
(a crash in between, a database filled by an older version) is picked up by ``relink``.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db.engine import Database
from workbench.db.models import utcnow
from workbench.domain.claim_links import CorpusIndex, link_in_corpus
from workbench.services.claims import score_articles

LINK_BATCH = 25
"""Articles linked in one pass (one similarity computation, one short write transaction)."""


@dataclass(slots=True)
class _CachedCorpus:
    """A process's index of one database's corpus and the version it reflects."""

    count: int = 0
    top: int = 0
    index: CorpusIndex = field(default_factory=CorpusIndex)


@dataclass(frozen=True, slots=True)
class RelinkReport:
    """What a relink did: articles scored and linked, and links added."""

    articles: int
    sentences: int
    links: int


_corpora: weakref.WeakKeyDictionary[Engine, _CachedCorpus] = weakref.WeakKeyDictionary()
_corpora_lock = threading.Lock()


def _refresh(session: Session, cached: _CachedCorpus) -> _CachedCorpus:
    """Bring the cached index up to the committed corpus: read only what is new when possible.

    Sentences are only ever added, so a version whose count grew by exactly the sentences
    above the old highest id is an extension; anything else (a deletion, ids committed out of
    order) rebuilds the index from scratch.
    """
    count, top = claim_queries.corpus_version(session)
    if (count, top) == (cached.count, cached.top):
        return cached
    if count >= cached.count and top >= cached.top:
        fresh = claim_queries.claim_texts_after(session, after=cached.top)
        if cached.count + len(fresh) == count:
            cached.index.extend(fresh)
            cached.count, cached.top = count, top
            return cached
    rebuilt = _CachedCorpus(count, top)
    rebuilt.index.extend(claim_queries.claim_texts(session))
    return rebuilt


def _batches(ids: Sequence[str], size: int) -> list[list[str]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def link_articles(db: Database, article_ids: Sequence[str], *, batch: int = LINK_BATCH) -> int:
    """Link committed articles to every other committed article; return the links added.

    Call it after the transaction that stored the articles has committed, never inside one.
    """
    added = 0
    for chunk in _batches(article_ids, batch):
        with _corpora_lock:
            with db.read() as session:
                cached = _refresh(session, _corpora.get(db.engine, _CachedCorpus()))
            _corpora[db.engine] = cached
            links = link_in_corpus(cached.index, set(chunk))
        with db.write() as session:
            added += claim_queries.add_links(session, links=links)
            claim_queries.mark_linked(session, article_ids=chunk, when=utcnow())
    return added


def relink(db: Database, *, progress: Callable[[int, int], None] | None = None) -> RelinkReport:
    """Score and link every article whose links were never computed; a second run does nothing.

    Each batch is scored in one short write transaction and linked as ``link_articles`` does.
    """
    with db.read() as session:
        missing = claim_queries.unlinked_article_ids(session)
    sentences = links = done = 0
    for chunk in _batches(missing, LINK_BATCH):
        with db.write() as session:
            sentences += score_articles(session, chunk)
        links += link_articles(db, chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, len(missing))
    return RelinkReport(len(missing), sentences, links)
