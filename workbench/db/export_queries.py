"""Streaming reads behind dataset exports: articles in partitions, children per partition."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import ClauseElement, ColumnElement, Select, String, func, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler

from workbench.db.models import (
    Annotation,
    Article,
    ClaimLink,
    EvidenceItem,
    GoldLabel,
    Sentence,
    User,
)


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles an export covers: explicit ids and/or a publication-date window."""

    article_ids: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None


class ArticleRow(NamedTuple):
    """An article's metadata and body."""

    id: str
    title: str
    outlet: str | None
    url: str | None
    published: str | None
    body: str


@dataclass(slots=True)
class SentenceRow:
    """A sentence with its database id and offsets."""

    article_id: str
    index: int
    id: int
    start: int
    end: int
    text: str
    checkworthiness: float


# Tuples, not ORM objects: the export touches every label, so per-row overhead is what counts.
# An evidence row: (owner id, url, quote, stance, note, sentence_ref), in position order.
EvidenceTuple = tuple[int, str, str, str, str, str | None]
# A label row: (sentence id, annotation id, reviewer name, label, note, stored time); the
# stored time becomes ISO 8601 UTC text through ``label_time``, only for the labels that need it.
LabelTuple = tuple[int, int, str, str, str, Any]
# A gold row: (sentence id, gold label id, label).
GoldTuple = tuple[int, int, str]


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


def _fetch(session: Session, stmt: ClauseElement) -> list[Any]:
    """Every row of ``stmt`` as plain tuples from the driver's cursor (no Row objects)."""
    connection = session.connection()
    compiled = cast(
        SQLCompiler,
        stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True}),
    )
    params: Any = compiled.construct_params()
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        return cast(list[Any], cursor.fetchall())
    finally:
        cursor.close()


def _filtered(stmt: _S, article_filter: ArticleFilter) -> _S:
    if article_filter.article_ids:
        stmt = stmt.where(Article.id.in_(article_filter.article_ids))
    if article_filter.since:
        stmt = stmt.where(Article.published >= article_filter.since)
    if article_filter.until:
        stmt = stmt.where(Article.published <= article_filter.until)
    return stmt


def iter_article_batches(
    session: Session, *, article_filter: ArticleFilter, batch_size: int = 200
) -> Iterator[list[ArticleRow]]:
    """Articles in id order, ``batch_size`` at a time, from a streamed (server-side) cursor."""
    stmt = _filtered(
        select(
            Article.id, Article.title, Article.outlet, Article.url, Article.published, Article.body
        ),
        article_filter,
    ).order_by(Article.id)
    result = session.connection().execute(stmt.execution_options(yield_per=batch_size))
    for partition in result.partitions():
        yield [ArticleRow(*row) for row in partition]


def missing_articles(session: Session, *, article_ids: Sequence[str]) -> list[str]:
    """The ids among ``article_ids`` that name no article, sorted."""
    if not article_ids:
        return []
    found = set(session.scalars(select(Article.id).where(Article.id.in_(article_ids))))
    return sorted(set(article_ids) - found)


def count_annotations(session: Session, *, article_filter: ArticleFilter) -> int:
    """Number of reviewer labels on the articles an export covers."""
    stmt = _filtered(
        select(func.count(Annotation.id))
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .join(Article, Article.id == Sentence.article_id),
        article_filter,
    )
    return session.scalar(stmt) or 0


def sentences_of(session: Session, *, article_ids: Sequence[str]) -> list[SentenceRow]:
    """Every sentence of these articles, by article id then index."""
    stmt = (
        select(
            Sentence.article_id,
            Sentence.index,
            Sentence.id,
            Sentence.start,
            Sentence.end,
            Sentence.text,
            Sentence.checkworthiness,
        )
        .where(Sentence.article_id.in_(article_ids))
        .order_by(Sentence.article_id, Sentence.index)
    )
    return [SentenceRow(*row) for row in _fetch(session, stmt)]


def _utc_iso_seconds(column: QueryableAttribute[datetime]) -> ColumnElement[str]:
    """``column`` formatted by PostgreSQL as ``YYYY-MM-DDTHH:MM:SS+00:00`` (UTC)."""
    return func.to_char(
        func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"', type_=String
    )


def _sqlite_time(stored: str) -> str:
    """A SQLite-stored UTC time (``YYYY-MM-DD HH:MM:SS[.ffffff]``) as ISO 8601 to the second."""
    if len(stored) == 26 and stored[10] == " " and stored[19] == ".":
        return stored[:10] + "T" + stored[11:19] + "+00:00"
    value = datetime.fromisoformat(stored)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _formatted(text: str) -> str:
    """A time PostgreSQL already formatted."""
    return text


def label_time(session: Session) -> Callable[[Any], str]:
    """Turns the stored time of a ``labels_of`` row into ``YYYY-MM-DDTHH:MM:SS+00:00``."""
    # SQLite hands back its stored text, cheaper to cut in Python for the few labels that
    # need it than to format every row in SQL; PostgreSQL formats it in the query.
    return _sqlite_time if session.get_bind().dialect.name == "sqlite" else _formatted


def labels_of(session: Session, *, article_ids: Sequence[str]) -> list[LabelTuple]:
    """Every reviewer label on these articles, by sentence id then reviewer name."""
    stored: ColumnElement[Any] = (
        Annotation.updated_at  # type: ignore[assignment]
        if session.get_bind().dialect.name == "sqlite"
        else _utc_iso_seconds(Annotation.updated_at)
    )
    stmt = (
        select(
            Annotation.sentence_id,
            Annotation.id,
            User.name,
            Annotation.label,
            Annotation.note,
            stored,
        )
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .join(User, User.id == Annotation.user_id)
        .where(Sentence.article_id.in_(article_ids))
        .order_by(Annotation.sentence_id, User.name)
    )
    return cast(list[LabelTuple], _fetch(session, stmt))


def _evidence_columns(
    owner: InstrumentedAttribute[int | None],
) -> Select[int | None, str, str, str, str, str | None]:
    return select(
        owner,
        EvidenceItem.url,
        EvidenceItem.quote,
        EvidenceItem.stance,
        EvidenceItem.note,
        EvidenceItem.sentence_ref,
    ).order_by(owner, EvidenceItem.position, EvidenceItem.id)


def label_evidence_of(session: Session, *, article_ids: Sequence[str]) -> list[EvidenceTuple]:
    """Evidence items of the reviewer labels on these articles, by annotation id and position."""
    stmt = (
        _evidence_columns(EvidenceItem.annotation_id)
        .join(Annotation, Annotation.id == EvidenceItem.annotation_id)
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .where(Sentence.article_id.in_(article_ids))
    )
    return cast(list[EvidenceTuple], _fetch(session, stmt))


def gold_labels_of(session: Session, *, article_ids: Sequence[str]) -> list[GoldTuple]:
    """Adjudicated labels on these articles: (sentence id, gold label id, label)."""
    stmt = (
        select(GoldLabel.sentence_id, GoldLabel.id, GoldLabel.label)
        .join(Sentence, Sentence.id == GoldLabel.sentence_id)
        .where(Sentence.article_id.in_(article_ids))
    )
    return cast(list[GoldTuple], session.connection().execute(stmt).all())


def gold_evidence_of(session: Session, *, article_ids: Sequence[str]) -> list[EvidenceTuple]:
    """Evidence items of the adjudicated labels on these articles, by gold label and position."""
    stmt = (
        _evidence_columns(EvidenceItem.gold_label_id)
        .join(GoldLabel, GoldLabel.id == EvidenceItem.gold_label_id)
        .join(Sentence, Sentence.id == GoldLabel.sentence_id)
        .where(Sentence.article_id.in_(article_ids))
    )
    return cast(list[EvidenceTuple], session.connection().execute(stmt).all())


def links_of(session: Session, *, article_ids: Sequence[str]) -> list[tuple[int, str, int]]:
    """(sentence id, linked article id, linked index) for every claim link of these articles."""
    own = aliased(Sentence)
    other = aliased(Sentence)
    forward = (
        select(ClaimLink.a_sentence_id, other.article_id, other.index)
        .join(own, own.id == ClaimLink.a_sentence_id)
        .join(other, other.id == ClaimLink.b_sentence_id)
        .where(own.article_id.in_(article_ids))
    )
    backward = (
        select(ClaimLink.b_sentence_id, other.article_id, other.index)
        .join(own, own.id == ClaimLink.b_sentence_id)
        .join(other, other.id == ClaimLink.a_sentence_id)
        .where(own.article_id.in_(article_ids))
    )
    both = union_all(forward, backward).subquery()
    stmt = select(both.c[0], both.c[1], both.c[2]).order_by(both.c[0], both.c[1], both.c[2])
    return [(int(a), str(b), int(c)) for a, b, c in session.connection().execute(stmt).all()]
