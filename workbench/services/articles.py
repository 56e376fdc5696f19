"""Storing an article draft: segmentation, scoring and de-duplication (links come after commit).

The slow part of storing (segmenting and scoring) is done by ``prepare_article`` before any
write transaction opens; ``store_prepared`` then only checks for duplicates and inserts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.models import Article, Sentence
from workbench.domain.articles import (
    ArticleDraft,
    article_id_for,
    check_draft,
    content_hash,
    stand_in_title,
)
from workbench.domain.bylines import article_sentences
from workbench.domain.segment import Span
from workbench.errors import InputError
from workbench.services import claim_scoring


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """A checked, segmented and scored draft, ready to insert."""

    draft: ArticleDraft
    digest: str
    article_id: str
    title: str
    spans: list[Span]
    scores: list[tuple[float, list[str]]]


def prepare_article(draft: ArticleDraft, *, model: Any | None) -> PreparedArticle:
    """Check, segment and score ``draft`` (no database needed); ``model`` is the active scorer."""
    check_draft(draft)
    digest = content_hash(draft)
    spans = article_sentences(draft.body)
    if not spans:
        raise InputError("article has no sentences")
    return PreparedArticle(
        draft,
        digest,
        article_id_for(draft, digest),
        draft.title.strip() or stand_in_title([span.text for span in spans]),
        spans,
        claim_scoring.score_texts([span.text for span in spans], model),
    )


def store_prepared(session: Session, *, prepared: PreparedArticle) -> Article | None:
    """Insert a prepared article; None when identical content is already stored.

    Cross-article links are not computed here: they need the committed corpus and must not
    hold the write lock (see ``workbench.services.linking``).
    """
    if queries.article_by_hash(session, content_hash=prepared.digest) is not None:
        return None
    if session.get(Article, prepared.article_id) is not None:
        raise InputError(
            f"article id {prepared.article_id!r} already exists with different content"
        )
    draft = prepared.draft
    article = Article(
        id=prepared.article_id,
        title=prepared.title,
        body=draft.body,
        url=draft.url,
        outlet=draft.outlet,
        author=draft.author,
        published=draft.published,
        source=draft.source,
        content_hash=prepared.digest,
    )
    article.sentences = [
        Sentence(
            index=span.index,
            start=span.start,
            end=span.end,
            text=span.text,
            checkworthiness=value,
            check_reasons=reasons,
        )
        for span, (value, reasons) in zip(prepared.spans, prepared.scores, strict=True)
    ]
    session.add(article)
    session.flush()
    return article


def store_article(session: Session, *, draft: ArticleDraft) -> Article | None:
    """Segment, score and store ``draft``; None when identical content is already stored."""
    model = claim_scoring.active_model(session)
    return store_prepared(session, prepared=prepare_article(draft, model=model))
