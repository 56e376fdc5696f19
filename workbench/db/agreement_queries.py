"""Agreement aggregates computed in the database: a few hundred rows whatever its size.

Every query groups the labels of each sentence first (one pass over the chosen reviewers'
annotations), then groups the sentences again by what the figures need: the pattern of
labels (who said what, with the gold label), the label counts per day, per article.
Labels are coded 1..V in the given vocabulary order, 0 for "no label".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Float,
    Integer,
    Select,
    String,
    Subquery,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from workbench.db.label_counts import SentenceLabelCount, count_column
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
    if article_id is None:
        ids = _labeler_ids(session)
        if not ids:
            return []
        rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
        return [(int(uid), str(name)) for uid, name in rows]
    # One article's sentences are few: one LIMIT 1 lookup per account along them.
    labeled = (
        select(literal(1))
        .select_from(Annotation)
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .where(
            Annotation.user_id == User.id,
            Sentence.boilerplate.is_(False),
            Sentence.article_id == article_id,
        )
    )
    first = labeled.limit(1).correlate(User).scalar_subquery()
    rows = session.execute(select(User.id, User.name).where(first.is_not(None)))
    return [(int(uid), str(name)) for uid, name in rows]


def _labeler_ids(session: Session) -> list[int]:
    """Ids of the accounts with a label on a sentence to label, one index probe each.

    A skip scan of the reviewer index: each step asks for the smallest reviewer id above the
    last one found. Asked per account instead ("has this account a label?"), PostgreSQL
    planned a scan of every sentence for each account without labels (0.5 s at a million
    labels, twice per Agreement open); this is about 1 ms there and 10 ms on SQLite.
    """
    to_label = Annotation.sentence_id.not_in(select(Sentence.id).where(Sentence.boilerplate))
    found = select(func.min(Annotation.user_id).label("uid")).where(to_label).cte(recursive=True)
    following = (
        select(func.min(Annotation.user_id))
        .where(to_label, Annotation.user_id > found.c.uid)
        .scalar_subquery()
    )
    found = found.union_all(select(following).where(found.c.uid.is_not(None)))
    return [
        int(uid) for uid in session.scalars(select(found.c.uid).where(found.c.uid.is_not(None)))
    ]


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


@dataclass(frozen=True, slots=True)
class _Scope:
    """Whose labels count: every reviewer's (None), or only the chosen reviewers'.

    A reviewer filter sits inside the aggregates, not in WHERE: filtering on user_id would
    make SQLite read the labels by reviewer and sort them by sentence again.
    """

    reviewer_ids: Sequence[int] | None

    def label(self) -> ColumnElement[Any]:
        if self.reviewer_ids is None:
            return Annotation.label.expression
        return case((Annotation.user_id.in_(self.reviewer_ids), Annotation.label))

    def stamp(self) -> ColumnElement[Any]:
        if self.reviewer_ids is None:
            return Annotation.updated_at.expression
        return case((Annotation.user_id.in_(self.reviewer_ids), Annotation.updated_at))


def _label_code(scope: _Scope, labels: Sequence[str]) -> ColumnElement[int]:
    codes = {label: v + 1 for v, label in enumerate(labels)}
    return case(codes, value=scope.label(), else_=0)


def _boilerplate_ids() -> Select[int]:
    """Ids of the sentences flagged as boilerplate (a few, read along their index)."""
    return select(Sentence.id).where(Sentence.boilerplate)


def _per_sentence(
    columns: Sequence[ColumnElement[Any]], scope: _Scope, article_ids: Sequence[str] | None
) -> Select[Any]:
    query = select(Annotation.sentence_id.label("sid"), *columns)
    # Boilerplate sentences are not to be labeled: their labels count toward no figure.
    # (The maintained rows of ``sentence_label_counts`` leave them out already.)
    query = query.where(Annotation.sentence_id.not_in(_boilerplate_ids()))
    if article_ids is not None:
        chosen = select(Sentence.id).where(Sentence.article_id.in_(article_ids))
        query = query.where(Annotation.sentence_id.in_(chosen.scalar_subquery()))
    query = query.group_by(Annotation.sentence_id)
    if scope.reviewer_ids is not None:
        query = query.having(func.count(scope.label()) > 0)
    return query


def _counts(scope: _Scope, labels: Sequence[str]) -> list[ColumnElement[Any]]:
    mine = scope.label()
    return [
        func.sum(case((mine == label, 1), else_=0)).label(f"n{v}") for v, label in enumerate(labels)
    ]


@dataclass(frozen=True, slots=True)
class Aggregates:
    """What the agreement figures of a database need, from one statement."""

    patterns: list[PatternCount]
    days: list[ProfileCount]  # group = ISO day (UTC) of the sentence's latest label change
    extremes: list[RankedArticle]  # lowest alpha first


def _day(session: Session, stamp: ColumnElement[Any]) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(stamp)  # stored as UTC wall time: YYYY-MM-DD
    return cast(cast(func.timezone("UTC", stamp), Date), String)


def _sentences(
    scope: _Scope,
    reviewer_ids: Sequence[int],
    labels: Sequence[str],
    article_ids: Sequence[str] | None,
) -> CTE:
    code, mine = _label_code(scope, labels), scope.label()
    columns: list[ColumnElement[Any]] = [*_counts(scope, labels)]
    columns += [func.count(mine).label("m"), func.max(scope.stamp()).label("latest")]
    for start in range(0, len(reviewer_ids), CHUNK):
        chunk = reviewer_ids[start : start + CHUNK]
        weight = case(
            {uid: BASE**k for k, uid in enumerate(chunk)}, value=Annotation.user_id, else_=0
        )
        columns.append(func.sum(code * weight).label(f"p{start // CHUNK}"))
    # Used three times below, so both backends compute it once (a materialised CTE).
    return _per_sentence(columns, scope, article_ids).cte("per_sentence")


def _extremes(sentences: CTE | Subquery, n_labels: int, each: int) -> Select[Any]:
    n = [sentences.c[f"n{v}"] for v in range(n_labels)]
    m = sentences.c.m
    same = sum((c * (c - 1) for c in n), literal(0))
    pairable = func.sum(m)
    agree = func.sum(cast(same, Float) / cast(m - 1, Float))
    expected = cast(
        pairable * pairable - sum((func.sum(c) * func.sum(c) for c in n), literal(0)), Float
    )
    alpha = 1.0 - cast(pairable - 1, Float) * (cast(pairable, Float) - agree) / expected
    if "article" in sentences.c:  # kept on the row: no look-up of the sentence
        article: ColumnElement[Any] = sentences.c.article
        per_sentence = select(article.label("article"), alpha.label("alpha"))
    else:
        article = Sentence.article_id.expression
        per_sentence = select(article.label("article"), alpha.label("alpha")).join(
            Sentence, Sentence.id == sentences.c.sid
        )
    per_article = (
        per_sentence.where(m >= 2).group_by(article).having(pairable >= 2, expected > 0).subquery()
    )
    a = per_article.c
    low = func.row_number().over(order_by=(a.alpha, a.article))
    high = func.row_number().over(order_by=(a.alpha.desc(), a.article.desc()))
    ranked = select(
        a.article, low.label("low"), high.label("high"), func.count().over().label("total")
    ).subquery()
    return select(ranked).where((ranked.c.low <= each) | (ranked.c.high <= each))


def database_aggregates(
    session: Session,
    *,
    reviewer_ids: Sequence[int],
    every_reviewer: bool,
    labels: Sequence[str],
    each: int,
    article_ids: Sequence[str] | None = None,
) -> Aggregates:
    """Label patterns, day profiles and the ``each`` lowest and highest article alphas.

    Reviewer k of ``reviewer_ids`` is digit k % CHUNK of pattern column k // CHUNK.
    ``every_reviewer`` says the ids are all who labeled (no filter needed). Articles with an
    undefined alpha are not ranked; ties go by id. One pass over the labels: the branches
    share the per-sentence rows and come back as one result, told apart by ``kind``.
    """
    if every_reviewer and article_ids is None:
        return _maintained_aggregates(session, reviewer_ids=reviewer_ids, labels=labels, each=each)
    scope = _Scope(None if every_reviewer else list(reviewer_ids))
    sentences = _sentences(scope, reviewer_ids, labels, article_ids)
    width = max(len(labels), -(-len(reviewer_ids) // CHUNK), 1)
    none: ColumnElement[Any] = literal(None, Integer)

    def pad(values: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
        return [*values, *([none] * (width - len(values)))]

    keys = [sentences.c[f"p{i}"] for i in range(-(-len(reviewer_ids) // CHUNK))]
    counts = [sentences.c[f"n{v}"] for v in range(len(labels))]
    day = _day(session, sentences.c.latest)
    patterns = (
        select(literal("p").label("kind"), GoldLabel.label, *pad(keys), func.count(), none, none)
        .select_from(sentences)
        .outerjoin(GoldLabel, GoldLabel.sentence_id == sentences.c.sid)
        .group_by(*keys, GoldLabel.label)
    )
    days = select(literal("d"), day, *pad(counts), func.count(), none, none).group_by(day, *counts)
    ranked = _extremes(sentences, len(labels), each).subquery()
    extremes = select(
        literal("a"), ranked.c.article, *pad([]), ranked.c.low, ranked.c.high, ranked.c.total
    )
    out = Aggregates([], [], [])
    for row in session.execute(union_all(patterns, days, extremes)):  # one pass: shared rows
        kind, name, values, number = row[0], row[1], row[2 : 2 + width], int(row[2 + width])
        if kind == "p":
            codes = tuple(int(c) for c in values[: len(keys)])
            out.patterns.append(PatternCount(codes, name, number))
        elif kind == "d":
            day_counts = tuple(int(c) for c in values[: len(labels)])
            out.days.append(ProfileCount(str(name), day_counts, number))
        else:
            out.extremes.append(RankedArticle(str(name), number, int(row[-2]), int(row[-1])))
    out.extremes.sort(key=lambda r: r.low_rank)
    return out


def _pattern_codes(
    pattern: str, reviewer_ids: Sequence[int], labels: Sequence[str]
) -> tuple[int, ...]:
    """A stored pattern ("1v,2d") as the pattern columns of ``database_aggregates``."""
    place = {uid: k for k, uid in enumerate(reviewer_ids)}
    initials = {label[0]: v + 1 for v, label in enumerate(labels)}
    codes = [0] * -(-len(reviewer_ids) // CHUNK)
    for item in filter(None, pattern.split(",")):
        k = place[int(item[:-1])]
        codes[k // CHUNK] += initials[item[-1]] * BASE ** (k % CHUNK)
    return tuple(codes)


def _maintained_aggregates(
    session: Session, *, reviewer_ids: Sequence[int], labels: Sequence[str], each: int
) -> Aggregates:
    """``database_aggregates`` of every reviewer and article from ``sentence_label_counts``.

    The maintained rows hold each sentence's counts, pattern, newest change and article, so
    these statements group one row per labeled sentence instead of every annotation.
    """
    if len({label[0] for label in labels}) != len(labels):
        raise ValueError(f"label codes must start with different letters: {list(labels)}")
    table = SentenceLabelCount
    counts = [count_column(label) for label in labels]
    labeled = table.n_labels > 0
    rows = select(
        *(column.label(f"n{v}") for v, column in enumerate(counts)),
        table.n_labels.label("m"),
        table.article_id.label("article"),
    ).where(labeled)
    out = Aggregates([], [], [])
    merged: dict[tuple[tuple[int, ...], str | None], int] = {}
    open_patterns = (
        select(table.pattern, literal(None, String), func.count())
        .where(labeled, table.adjudicated == 0)
        .group_by(table.pattern)
    )
    settled_patterns = (
        select(table.pattern, GoldLabel.label, func.count())
        .join(GoldLabel, GoldLabel.sentence_id == table.sentence_id)
        .where(labeled, table.adjudicated == 1)
        .group_by(table.pattern, GoldLabel.label)
    )
    for stmt in (open_patterns, settled_patterns):
        for pattern, gold, number in session.execute(stmt):
            key = (_pattern_codes(str(pattern), reviewer_ids, labels), gold)
            merged[key] = merged.get(key, 0) + int(number)  # one pattern written two ways
    out.patterns.extend(PatternCount(codes, gold, n) for (codes, gold), n in merged.items())
    day = table.latest_day
    for row in session.execute(
        select(day, *counts, func.count()).where(labeled).group_by(day, *counts)
    ):
        values: list[Any] = list(row)
        out.days.append(
            ProfileCount(str(values[0]), tuple(map(int, values[1:-1])), int(values[-1]))
        )
    ranked = _extremes(rows.subquery(), len(labels), each).subquery()
    for article, low, high, total in session.execute(select(ranked)):
        out.extremes.append(RankedArticle(str(article), int(low), int(high), int(total)))
    out.extremes.sort(key=lambda r: r.low_rank)
    return out


def article_profile_counts(
    session: Session,
    *,
    reviewer_ids: Sequence[int] | None,
    labels: Sequence[str],
    article_ids: Sequence[str],
) -> list[ProfileCount]:
    """Sentences per (article, label counts) of the given articles (None: every reviewer).

    Every reviewer's counts are read from ``sentence_label_counts`` along its article index.
    """
    if reviewer_ids is None:
        table = SentenceLabelCount
        kept = [count_column(label) for label in labels]
        stmt = (
            select(table.article_id, *kept, func.count())
            .where(table.article_id.in_(article_ids), table.n_labels > 0)
            .group_by(table.article_id, *kept)
        )
    else:
        scope = _Scope(reviewer_ids)
        sentences = _per_sentence(_counts(scope, labels), scope, article_ids).subquery()
        counts = [sentences.c[f"n{v}"] for v in range(len(labels))]
        stmt = (
            select(Sentence.article_id, *counts, func.count())
            .join(Sentence, Sentence.id == sentences.c.sid)
            .group_by(Sentence.article_id, *counts)
        )
    rows: list[list[Any]] = [list(row) for row in session.execute(stmt)]
    return [ProfileCount(str(r[0]), tuple(map(int, r[1:-1])), int(r[-1])) for r in rows]
