"""Agreement aggregates computed in the database: a few hundred rows whatever its size.

Every query groups the labels of each sentence first (one pass over the chosen reviewers'
annotations), then groups the sentences again by what the figures need: the pattern of
labels (who said what, with the gold label), the label counts per day, per article.
Labels are coded 1..V in the given vocabulary order, 0 for "no label".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Select,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session

from workbench.db.models import Annotation, Article, GoldLabel, Sentence, User

BASE = 5  # one digit per reviewer in a pattern code: 0 = no label, 1..4 = the label
CHUNK = 13  # reviewers per pattern column: 4 * 5**12 and the sums stay within 32-bit integers
SEARCH_LIMIT = 50


@dataclass(frozen=True, slots=True)
class PatternCount:
    """Sentences whose reviewers gave these labels: one code column per CHUNK reviewers."""

    codes: tuple[int, ...]
    gold: str | None
    sentences: int


@dataclass(frozen=True, slots=True)
class ProfileCount:
    """Sentences of one group (a day or an article) with the same label counts."""

    group: str
    counts: tuple[int, ...]
    sentences: int


@dataclass(frozen=True, slots=True)
class RankedArticle:
    """An article among the lowest or highest alpha: ranks from each end (1 = most extreme)."""

    article_id: str
    low_rank: int
    high_rank: int
    ranked: int  # articles with a defined alpha in all


def labeling_reviewers(session: Session, *, article_id: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of every account with at least one label (in one article)."""
    labeled = select(Annotation.id).where(Annotation.user_id == User.id)
    if article_id is not None:
        labeled = labeled.join(Sentence, Sentence.id == Annotation.sentence_id).where(
            Sentence.article_id == article_id
        )
    rows = session.execute(select(User.id, User.name).where(labeled.exists()))
    return [(int(uid), str(name)) for uid, name in rows]


def article_exists(session: Session, *, article_id: str) -> bool:
    """Whether an article with this id is stored."""
    return session.scalar(select(Article.id).where(Article.id == article_id)) is not None


def search_articles(session: Session, *, text: str, limit: int = SEARCH_LIMIT) -> list[str]:
    """Ids of articles whose id or title contains ``text`` (any case), at most ``limit``."""
    needle = text.strip().lower()
    query = (
        select(Article.id)
        .where(
            func.lower(Article.id).contains(needle, autoescape=True)
            | func.lower(Article.title).contains(needle, autoescape=True)
        )
        .order_by(Article.id)
        .limit(limit)
    )
    return [str(article) for article in session.scalars(query)]


def _label_code(labels: Sequence[str]) -> ColumnElement[int]:
    return case({label: v + 1 for v, label in enumerate(labels)}, value=Annotation.label, else_=0)


def _per_sentence(
    columns: Sequence[ColumnElement[Any]],
    reviewer_ids: Sequence[int],
    article_ids: Sequence[str] | None,
) -> Select[Any]:
    query = select(Annotation.sentence_id.label("sid"), *columns).where(
        Annotation.user_id.in_(reviewer_ids)
    )
    if article_ids is not None:
        chosen = select(Sentence.id).where(Sentence.article_id.in_(article_ids))
        query = query.where(Annotation.sentence_id.in_(chosen.scalar_subquery()))
    return query.group_by(Annotation.sentence_id)


def _counts(labels: Sequence[str]) -> list[ColumnElement[Any]]:
    return [
        func.sum(case((Annotation.label == label, 1), else_=0)).label(f"n{v}")
        for v, label in enumerate(labels)
    ]


def pattern_counts(
    session: Session,
    *,
    reviewer_ids: Sequence[int],
    labels: Sequence[str],
    article_ids: Sequence[str] | None = None,
) -> list[PatternCount]:
    """Sentences per (labels of each reviewer, gold label); reviewer k is digit k % CHUNK."""
    code = _label_code(labels)
    columns: list[ColumnElement[Any]] = []
    for start in range(0, len(reviewer_ids), CHUNK):
        chunk = reviewer_ids[start : start + CHUNK]
        weight = case(
            {uid: BASE**k for k, uid in enumerate(chunk)}, value=Annotation.user_id, else_=0
        )
        columns.append(func.sum(code * weight).label(f"p{start // CHUNK}"))
    sentences = _per_sentence(columns, reviewer_ids, article_ids).subquery()
    keys = [sentences.c[f"p{i}"] for i in range(len(columns))]
    rows = session.execute(
        select(*keys, GoldLabel.label, func.count())
        .select_from(sentences)
        .outerjoin(GoldLabel, GoldLabel.sentence_id == sentences.c.sid)
        .group_by(*keys, GoldLabel.label)
    )
    return [PatternCount(tuple(int(c) for c in row[:-2]), row[-2], int(row[-1])) for row in rows]


def _day(session: Session, stamp: ColumnElement[Any]) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(stamp)  # stored as UTC wall time
    return cast(func.timezone("UTC", stamp), Date)


def day_profile_counts(
    session: Session,
    *,
    reviewer_ids: Sequence[int],
    labels: Sequence[str],
    article_ids: Sequence[str] | None = None,
) -> list[ProfileCount]:
    """Sentences per (UTC day of their latest label change, label counts), group = ISO day."""
    columns = [*_counts(labels), func.max(Annotation.updated_at).label("latest")]
    sentences = _per_sentence(columns, reviewer_ids, article_ids).subquery()
    counts = [sentences.c[f"n{v}"] for v in range(len(labels))]
    day = _day(session, sentences.c.latest).label("day")
    rows = session.execute(select(day, *counts, func.count()).group_by(day, *counts))
    out = []
    for row in rows:
        when = row[0]
        text = when.isoformat() if isinstance(when, date) else str(when)
        out.append(ProfileCount(text, tuple(int(c) for c in row[1:-1]), int(row[-1])))
    return out


def article_profile_counts(
    session: Session,
    *,
    reviewer_ids: Sequence[int],
    labels: Sequence[str],
    article_ids: Sequence[str],
) -> list[ProfileCount]:
    """Sentences per (article, label counts) of the given articles."""
    sentences = _per_sentence(_counts(labels), reviewer_ids, article_ids).subquery()
    counts = [sentences.c[f"n{v}"] for v in range(len(labels))]
    rows = session.execute(
        select(Sentence.article_id, *counts, func.count())
        .join(Sentence, Sentence.id == sentences.c.sid)
        .group_by(Sentence.article_id, *counts)
    )
    return [ProfileCount(str(r[0]), tuple(int(c) for c in r[1:-1]), int(r[-1])) for r in rows]


def extreme_articles(
    session: Session,
    *,
    reviewer_ids: Sequence[int],
    labels: Sequence[str],
    each: int,
    article_ids: Sequence[str] | None = None,
) -> list[RankedArticle]:
    """The ``each`` articles of lowest and of highest alpha (defined ones); ties by id."""
    counts = _counts(labels)
    sentences = (
        _per_sentence([*counts, func.count().label("m")], reviewer_ids, article_ids)
        .having(func.count() >= 2)
        .subquery()
    )
    n = [sentences.c[f"n{v}"] for v in range(len(labels))]
    m = sentences.c.m
    same = sum((c * (c - 1) for c in n), literal(0))
    totals = [func.sum(c) for c in n]
    pairable = func.sum(m)
    agree = func.sum(cast(same, Float) / cast(m - 1, Float))
    expected = cast(pairable * pairable - sum((t * t for t in totals), literal(0)), Float)
    alpha = 1.0 - cast(pairable - 1, Float) * (cast(pairable, Float) - agree) / expected
    per_article = (
        select(Sentence.article_id.label("article"), alpha.label("alpha"))
        .join(Sentence, Sentence.id == sentences.c.sid)
        .group_by(Sentence.article_id)
        .having(pairable >= 2, expected > 0)
        .subquery()
    )
    a = per_article.c
    low = func.row_number().over(order_by=(a.alpha, a.article))
    high = func.row_number().over(order_by=(a.alpha.desc(), a.article.desc()))
    total = func.count().over()
    ranked = select(
        a.article, low.label("low"), high.label("high"), total.label("total")
    ).subquery()
    rows = session.execute(
        select(ranked.c.article, ranked.c.low, ranked.c.high, ranked.c.total)
        .where((ranked.c.low <= each) | (ranked.c.high <= each))
        .order_by(ranked.c.low)
    )
    return [RankedArticle(str(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
