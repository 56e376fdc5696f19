"""Storing an article draft: segmentation, scoring and de-duplication (links come after commit)."""

from __future__ import annotations

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
from workbench.domain.segment import split_sentences
from workbench.errors import InputError
from workbench.services import claims


def store_article(session: Session, draft: ArticleDraft) -> Article | None:
    """Segment, score and store ``draft``; None when identical content is already stored.

    Cross-article links are not computed here: they need the committed corpus and must not
    hold the write lock (see ``workbench.services.linking``).
    """
    check_draft(draft)
    digest = content_hash(draft)
    if queries.article_by_hash(session, content_hash=digest) is not None:
        return None
    article_id = article_id_for(draft, digest)
    if session.get(Article, article_id) is not None:
        raise InputError(f"article id {article_id!r} already exists with different content")
    spans = split_sentences(draft.body)
    if not spans:
        raise InputError("article has no sentences")
    article = Article(
        id=article_id,
        title=draft.title.strip() or stand_in_title([span.text for span in spans]),
        body=draft.body,
        url=draft.url,
        outlet=draft.outlet,
        author=draft.author,
        published=draft.published,
        source=draft.source,
        content_hash=digest,
    )
    article.sentences = [
        Sentence(index=span.index, start=span.start, end=span.end, text=span.text) for span in spans
    ]
    session.add(article)
    session.flush()
    claims.score_article(session, article)
    return article
