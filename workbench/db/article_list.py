"""The article list, filtered and paged in the database; progress for the shown page only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from workbench.db.models import Annotation, Article, Assignment, Sentence
from workbench.db.queries import ArticleProgress

PICK_LIMIT = 50


@dataclass(frozen=True, slots=True)
class ArticleTotals:
    """Whole-database figures of the list's caption, each from one aggregate query."""

    articles: int
    sentences: int
    labeled: int
    assigned: int


TRIGRAM = 3  # the shortest needle the SQLite trigram index can find
_FTS_ROWIDS = text("SELECT rowid FROM article_search WHERE article_search MATCH :phrase")


def _in_text(session: Session, needle: str) -> ColumnElement[bool]:
    """Articles whose text contains ``needle``: through the SQLite trigram index when it can."""
    if session.get_bind().dialect.name != "sqlite" or len(needle) < TRIGRAM:
        return Article.body.icontains(needle, autoescape=True)  # PostgreSQL: a GIN trigram index
    phrase = '"' + needle.replace('"', '""') + '"'
    return literal_column("articles.rowid").in_(_FTS_ROWIDS.bindparams(phrase=phrase))


def _matches(session: Session, needle: str) -> ColumnElement[bool] | None:
    """Articles whose title, outlet, id or text contain ``needle`` (case-insensitive)."""
    needle = needle.strip()
    if not needle:
        return None
    return or_(
        Article.id.icontains(needle, autoescape=True),
        Article.title.icontains(needle, autoescape=True),
        Article.outlet.icontains(needle, autoescape=True),
        _in_text(session, needle),
    )


def _filtered(session: Session, query: Select[tuple[int]], needle: str) -> Select[tuple[int]]:
    found = _matches(session, needle)
    return query if found is None else query.where(found)


def count_matching(session: Session, *, needle: str = "") -> int:
    """Number of articles matching ``needle`` (every article when it is blank)."""
    return session.scalar(_filtered(session, select(func.count(Article.id)), needle)) or 0


def totals(session: Session, *, user_id: int) -> ArticleTotals:
    """Articles, sentences, this reviewer's labels and queue length, by COUNT."""
    articles = session.scalar(select(func.count(Article.id))) or 0
    # Boilerplate sentences are not to be labeled: they are no part of anyone's progress.
    to_label = ~Sentence.boilerplate
    sentences = session.scalar(select(func.count(Sentence.id)).where(to_label)) or 0
    own = Annotation.user_id == user_id
    labeled = session.scalar(select(func.count(Annotation.id)).where(own)) or 0
    # Subtracted, so the count of every own label stays one index range: flagged sentences
    # are few and found along their own index.
    flagged = select(Sentence.id).where(Sentence.boilerplate)
    labeled -= (
        session.scalar(
            select(func.count(Annotation.id)).where(own, Annotation.sentence_id.in_(flagged))
        )
        or 0
    )
    assigned = (
        session.scalar(select(func.count(Assignment.id)).where(Assignment.user_id == user_id)) or 0
    )
    return ArticleTotals(articles, sentences, labeled, assigned)


def _progress(
    session: Session, *, user_id: int, article_ids: Sequence[str]
) -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    """Sentence counts, this reviewer's label counts and first sentences of these articles."""
    sizes = dict(
        session.execute(
            select(Sentence.article_id, func.count(Sentence.id))
            .where(Sentence.article_id.in_(article_ids), ~Sentence.boilerplate)
            .group_by(Sentence.article_id)
        ).all()
    )
    labeled = dict(
        session.execute(
            select(Sentence.article_id, func.count(Annotation.id))
            .join(Annotation, Annotation.sentence_id == Sentence.id)
            .where(
                Sentence.article_id.in_(article_ids),
                Annotation.user_id == user_id,
                ~Sentence.boilerplate,
            )
            .group_by(Sentence.article_id)
        ).all()
    )
    openings = dict(
        session.execute(
            select(Sentence.article_id, Sentence.text).where(
                Sentence.article_id.in_(article_ids), Sentence.index == 0
            )
        ).all()
    )
    return sizes, labeled, openings


def article_page(
    session: Session, *, user_id: int, needle: str = "", limit: int, offset: int = 0
) -> tuple[list[ArticleProgress], dict[str, str]]:
    """One page of matching articles, own queue first, with progress and first sentences."""
    queued = select(Assignment.article_id).where(Assignment.user_id == user_id).subquery("queued")
    assigned = queued.c.article_id.is_not(None)
    query = (
        select(Article.id, Article.title, Article.outlet, Article.published, assigned)
        .outerjoin(queued, queued.c.article_id == Article.id)
        .order_by(assigned.desc(), Article.id)
        .limit(limit)
        .offset(offset)
    )
    found = _matches(session, needle)
    if found is not None:
        query = query.where(found)
    rows = session.execute(query).all()
    sizes, labeled, openings = _progress(
        session, user_id=user_id, article_ids=[row[0] for row in rows]
    )
    page = [
        ArticleProgress(
            id=row[0],
            title=row[1],
            outlet=row[2],
            published=row[3],
            sentences=sizes.get(row[0], 0),
            labeled=labeled.get(row[0], 0),
            assigned=bool(row[4]),
        )
        for row in rows
    ]
    return page, openings


def pick_articles(
    session: Session, *, needle: str = "", limit: int = PICK_LIMIT
) -> list[tuple[str, str]]:
    """At most ``limit`` (id, title) pairs of articles matching ``needle``, by id (pickers)."""
    query = select(Article.id, Article.title).order_by(Article.id).limit(limit)
    found = _matches(session, needle)
    if found is not None:
        query = query.where(found)
    return [(row[0], row[1]) for row in session.execute(query)]


def article_title(session: Session, *, article_id: str) -> tuple[str, str] | None:
    """The (id, title) pair of one article, or None when there is no such article."""
    row = session.execute(select(Article.id, Article.title).where(Article.id == article_id)).first()
    return None if row is None else (row[0], row[1])
