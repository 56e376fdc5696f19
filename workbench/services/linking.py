"""Cross-article claim links, computed after an article's file has committed.

Each sentence keeps at most ``LINKS_PER_SENTENCE`` links (both directions counted), each at or
above the similarity floor. Candidates come from the link index (``workbench.db.link_index``)
by each sentence's rarest terms, a bounded number per sentence, so linking one article costs
what that article holds, never what the corpus holds. The index is written with the article, in
its file's transaction, so of two files ingested at once the later one always finds the earlier.

Scoring never runs while a write transaction is open: candidates are read in a read session,
scored with no transaction open, then the links are written in one short write transaction.
Links are derived data: an article committed without them (a crash in between, a database
filled by an older version) is picked up by ``relink``.

Once reviewers' decisions have trained a link model (``workbench retrain-links``), a candidate
link above the floor is kept only when the model gives it a probability of at least
``link_model.ACCEPT``, and that probability is stored as the link's score, which the cap ranks
by; until then the floor alone decides and links rank by similarity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db import link_index
from workbench.db.engine import Database
from workbench.db.models import utcnow
from workbench.domain.claim_links import (
    ClaimLinkDraft,
    ClaimText,
    cap_links,
    index_terms,
    link_candidates,
    query_terms,
    rank_candidates,
)
from workbench.domain.link_model import ACCEPT, LinkModel, link_probabilities, link_score
from workbench.services.claim_scoring import score_articles
from workbench.services.link_model import active_link_model

LINK_BATCH = 25
"""Articles linked in one pass (one short write transaction)."""


@dataclass(frozen=True, slots=True)
class RelinkReport:
    """What a relink did: articles scored and linked, and links added."""

    articles: int
    sentences: int
    links: int


def index_articles(session: Session, *, article_ids: Sequence[str]) -> int:
    """Put these articles' linkable sentences in the link index (inside the caller's write)."""
    texts = claim_queries.claim_texts_of_articles(session, article_ids=article_ids)
    return link_index.index_sentences(session, sentences=[(t.key, t.text) for t in texts])


def candidates_for(session: Session, *, fresh: Sequence[ClaimText]) -> list[ClaimText]:
    """Sentences of the index worth scoring against ``fresh`` (one article's sentences).

    For each sentence its rarest terms, the newest postings of each, the best-sharing few.
    """
    terms_of = {item.key: index_terms(item.text) for item in fresh}
    known = link_index.term_frequencies(
        session, terms=[t for terms in terms_of.values() for t in terms]
    )
    frequency = {term: count for term, (_, count) in known.items()}
    picked = {key: query_terms(terms, frequency) for key, terms in terms_of.items()}
    by_id = link_index.postings(
        session, term_ids=[known[t][0] for terms in picked.values() for t in terms]
    )
    postings = {term: by_id.get(known[term][0], []) for terms in picked.values() for term in terms}
    own = set(terms_of)
    wanted: set[int] = set()
    for terms in picked.values():
        wanted.update(rank_candidates(terms, postings, exclude=own))
    return claim_queries.claim_texts_of(session, sentence_ids=sorted(wanted))


def filter_by_model(
    links: Sequence[ClaimLinkDraft], texts: dict[int, str], model: LinkModel | None
) -> list[ClaimLinkDraft]:
    """The links the link model keeps, scored by it (all of them, unscored, with no model)."""
    if model is None or not links:
        return list(links)
    found = link_probabilities(
        model, [(texts[link.a], texts[link.b], link.similarity) for link in links]
    )
    return [
        replace(link, score=link_score(p))
        for link, p in zip(links, found, strict=True)
        if p >= ACCEPT
    ]


def link_in_index(db: Database, *, article_id: str) -> list[ClaimLinkDraft]:
    """The links one committed article would get, before any cap (scored with no session open)."""
    with db.read() as session:
        fresh = claim_queries.claim_texts(session, article_id=article_id)
        candidates = candidates_for(session, fresh=fresh)
        model = active_link_model(session)
    drafts = link_candidates(fresh, candidates)
    texts = {item.key: item.text for item in [*fresh, *candidates]}
    return filter_by_model(drafts, texts, model)


def store_capped_links(session: Session, *, links: Sequence[ClaimLinkDraft]) -> int:
    """Add links keeping every sentence within its cap (see ``cap_links``); return links added."""
    touched = sorted({key for link in links for key in (link.a, link.b)})
    if not touched:
        return 0
    claim_queries.lock_sentences(session, sentence_ids=touched)
    stored = claim_queries.links_touching(session, sentence_ids=touched)
    named = sorted({key for link in stored for key in (link.a, link.b)} | set(touched))
    article_of = claim_queries.articles_of(session, sentence_ids=named)
    added, dropped = cap_links(links, stored, article_of)
    claim_queries.drop_links(session, links=dropped)
    return claim_queries.add_links(session, links=added)


def _batches(ids: Sequence[str], size: int) -> list[list[str]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def link_articles(db: Database, *, article_ids: Sequence[str], batch: int = LINK_BATCH) -> int:
    """Link committed articles to the best candidates of the link index; return links added.

    Call it after the transaction that stored the articles has committed, never inside one.
    """
    added = 0
    for chunk in _batches(article_ids, batch):
        with db.write() as session:
            index_articles(session, article_ids=chunk)  # articles stored by an older version
        found: dict[tuple[int, int], ClaimLinkDraft] = {}
        for article_id in chunk:
            for link in link_in_index(db, article_id=article_id):
                found.setdefault((link.a, link.b), link)
        with db.write() as session:
            added += store_capped_links(session, links=list(found.values()))
            claim_queries.mark_linked(session, article_ids=chunk, when=utcnow())
    return added


def relink(db: Database, *, progress: Callable[[int, int], None] | None = None) -> RelinkReport:
    """Score and link every article whose links were never computed; a second run does nothing.

    Each batch is scored in one short write transaction and linked as ``link_articles`` does,
    under the same cap per sentence.
    """
    with db.read() as session:
        missing = claim_queries.unlinked_article_ids(session)
    sentences = links = done = 0
    for chunk in _batches(missing, LINK_BATCH):
        with db.write() as session:
            sentences += score_articles(session, article_ids=chunk)
        links += link_articles(db, article_ids=chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, len(missing))
    return RelinkReport(len(missing), sentences, links)
