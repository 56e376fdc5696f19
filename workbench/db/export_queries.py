"""The row source of dataset exports: every exported article with its rows, streamed.

One read session runs a few ordered statements side by side (articles; sentences with their
reviewer labels; gold labels and their evidence; claim links), each read from the driver's
cursor in batches, and ``export_rows`` hands them on one article at a time. Memory holds one
batch of each statement, whatever the size of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy import cast as cast_
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from workbench.db.models import (
    Annotation,
    Article,
    ClaimLink,
    GoldLabel,
    Sentence,
)
from workbench.db.sql_text import joined_text, json_string

# Rows fetched from a cursor at a time.
BATCH_ROWS = 2_000
# Joins the values of one sentence's labels (notes as JSON strings, stored times, evidence JSON
# arrays). JSON text escapes control characters, so SEPARATOR never occurs inside a value.
SEPARATOR = "\x1f"


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


# A sentence and its reviewer labels, a plain tuple because the export reads every one:
# (article id, 0-based index, start, end, text, checkworthiness, boilerplate, then for its
# labels the user ids joined by spaces, the labels joined by spaces, joined by SEPARATOR the
# notes as JSON strings, the stored times and the evidence JSON arrays, the guideline
# versions as JSON joined by spaces, and joined by SEPARATOR the claims as checked as JSON
# (``null``: the sentence text). The first six label columns are None for a sentence nobody
# labeled (the claims column then holds one ``null``); each lists its labels in the same,
# otherwise arbitrary, order. A stored time
# becomes ISO 8601 UTC text through ``label_time``, only where needed.
SentenceRow = tuple[
    str,
    int,
    int,
    int,
    str,
    float,
    bool,
    str | None,
    str | None,
    str | None,
    Any,
    str | None,
    str | None,
    str | None,
]
# An adjudicated label: (label, its evidence as stored in ``evidence_json``, guideline version,
# rationale, claim as checked or None for the sentence text, the stored time of its last save,
# made ISO 8601 UTC text by ``label_time``).
GoldRow = tuple[str, str, int | None, str, str | None, Any]


class ArticleRows(NamedTuple):
    """One exported article: its sentences in index order, gold labels and links by index."""

    article: ArticleRow
    sentences: list[SentenceRow]
    # Sentence index -> (adjudicated label, its stored evidence JSON, guideline version,
    # rationale, claim as checked, stored time of its last save).
    gold: dict[int, GoldRow]
    # Sentence index -> the (article id, index) of each linked sentence, in that order.
    related: dict[int, list[tuple[str, int]]]


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")
_cursor_names = count()


def _stream(session: Session, stmt: Select[*tuple[Any, ...]]) -> Iterator[Any]:
    """The rows of ``stmt`` as plain tuples from the driver's cursor, ``BATCH_ROWS`` at a time.

    PostgreSQL reads through a server-side cursor, so rows arrive as they are read; several
    such cursors share the session's transaction and its snapshot.
    """
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.construct_params()
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    if connection.dialect.name == "postgresql":
        cursor = dbapi.cursor(name=f"workbench_export_{next(_cursor_names)}")
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(BATCH_ROWS):
            yield from batch
    finally:
        cursor.close()


def filtered(stmt: _S, article_filter: ArticleFilter) -> _S:
    """``stmt`` restricted to the articles ``article_filter`` selects (ids, published range)."""
    if article_filter.article_ids:
        stmt = stmt.where(Article.id.in_(article_filter.article_ids))
    if article_filter.since:
        stmt = stmt.where(Article.published >= article_filter.since)
    if article_filter.until:
        stmt = stmt.where(Article.published <= article_filter.until)
    return stmt


def _of_articles(
    stmt: _S, article_id: QueryableAttribute[str], article_filter: ArticleFilter
) -> _S:
    """``stmt`` restricted to rows whose ``article_id`` names an article the filter selects."""
    if article_filter.article_ids:
        stmt = stmt.where(article_id.in_(article_filter.article_ids))
    if article_filter.since or article_filter.until:
        dates = ArticleFilter(since=article_filter.since, until=article_filter.until)
        stmt = stmt.where(article_id.in_(filtered(select(Article.id), dates)))
    return stmt


def missing_articles(session: Session, *, article_ids: Sequence[str]) -> list[str]:
    """The ids among ``article_ids`` that name no article, sorted."""
    if not article_ids:
        return []
    found = set(session.scalars(select(Article.id).where(Article.id.in_(article_ids))))
    return sorted(set(article_ids) - found)


def count_annotations(session: Session, *, article_filter: ArticleFilter) -> int:
    """Number of reviewer labels on the articles an export covers."""
    if article_filter == ArticleFilter():
        # Every label belongs to a sentence of an article: no join needed to count them all.
        return session.scalar(select(func.count()).select_from(Annotation)) or 0
    stmt = filtered(
        select(func.count(Annotation.id))
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .join(Article, Article.id == Sentence.article_id),
        article_filter,
    )
    return session.scalar(stmt) or 0


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
    """Turns the stored time of a ``SentenceRow`` label into ``YYYY-MM-DDTHH:MM:SS+00:00``."""
    # SQLite hands back its stored text, cheaper to cut in Python for the few labels that
    # need it than to format every row in SQL; PostgreSQL formats it in the query.
    return _sqlite_time if session.get_bind().dialect.name == "sqlite" else _formatted


def _joined(
    value: ColumnElement[Any] | QueryableAttribute[Any], separator: str
) -> ColumnElement[str]:
    return joined_text(value, literal(separator, String))


def _articles(article_filter: ArticleFilter) -> Select[*tuple[Any, ...]]:
    stmt = select(
        Article.id, Article.title, Article.outlet, Article.url, Article.published, Article.body
    )
    return filtered(stmt, article_filter).order_by(Article.id)


def _stored_time(session: Session, column: QueryableAttribute[datetime]) -> ColumnElement[Any]:
    """A time column as ``label_time`` expects it: as stored (SQLite) or formatted (PostgreSQL)."""
    if session.get_bind().dialect.name == "sqlite":
        return column  # type: ignore[return-value]
    return _utc_iso_seconds(column)


def _sentences(session: Session, article_filter: ArticleFilter) -> Select[*tuple[Any, ...]]:
    """Every sentence with its labels joined (see ``SentenceRow``), by article and index."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    stored = _stored_time(session, Annotation.updated_at)
    # SQLite groups along its (article, index) index, in the output order, without sorting;
    # PostgreSQL wants the primary key to name the other sentence columns.
    groups = (Sentence.article_id, Sentence.index) if sqlite else (Sentence.id,)
    stmt = (
        select(
            Sentence.article_id,
            Sentence.index,
            Sentence.start,
            Sentence.end,
            Sentence.text,
            Sentence.checkworthiness,
            Sentence.boilerplate,
            _joined(cast_(Annotation.user_id, String), " "),
            _joined(Annotation.label, " "),
            _joined(json_string(Annotation.note), SEPARATOR),
            _joined(stored, SEPARATOR),
            _joined(Annotation.evidence_json, SEPARATOR),
            _joined(
                func.coalesce(cast_(Annotation.guideline_version, String), literal("null")), " "
            ),
            _joined(json_string(Annotation.claim_text), SEPARATOR),
        )
        .outerjoin(Annotation, Annotation.sentence_id == Sentence.id)
        .group_by(*groups)
        .order_by(Sentence.article_id, Sentence.index)
    )
    return _of_articles(stmt, Sentence.article_id, article_filter)


def _gold(session: Session, article_filter: ArticleFilter) -> Select[*tuple[Any, ...]]:
    """Adjudicated labels (see ``GoldRow``), one row each, by article and index."""
    stmt = (
        select(
            Sentence.article_id,
            Sentence.index,
            GoldLabel.label,
            GoldLabel.evidence_json,
            GoldLabel.guideline_version,
            GoldLabel.rationale,
            GoldLabel.claim_text,
            _stored_time(session, GoldLabel.updated_at),
        )
        .select_from(GoldLabel)
        .join(Sentence, Sentence.id == GoldLabel.sentence_id)
        .order_by(Sentence.article_id, Sentence.index)
    )
    return _of_articles(stmt, Sentence.article_id, article_filter)


def _links(article_filter: ArticleFilter) -> Select[*tuple[Any, ...]]:
    """(article id, index, linked article id, linked index) for both ends of every link."""
    own, other = aliased(Sentence), aliased(Sentence)
    ends = [
        _of_articles(
            select(own.article_id, own.index, other.article_id, other.index)
            .select_from(ClaimLink)
            .join(own, own.id == mine)
            .join(other, other.id == theirs),
            own.article_id,
            article_filter,
        )
        for mine, theirs in (
            (ClaimLink.a_sentence_id, ClaimLink.b_sentence_id),
            (ClaimLink.b_sentence_id, ClaimLink.a_sentence_id),
        )
    ]
    both = union_all(*ends).subquery()
    columns = [both.c[0], both.c[1], both.c[2], both.c[3]]
    return select(*columns).order_by(*columns)


class _Rows:
    """An ordered stream whose rows are taken article by article (rows start with the id)."""

    def __init__(self, rows: Iterator[Any]):
        self._rows = rows
        self.head: Any = next(rows, None)

    def take(self, article_id: str) -> list[Any]:
        """The rows of ``article_id``, which are next if it has any."""
        taken = []
        head = self.head
        while head is not None and head[0] == article_id:
            taken.append(head)
            head = next(self._rows, None)
        self.head = head
        return taken


def export_rows(session: Session, *, article_filter: ArticleFilter) -> Iterator[ArticleRows]:
    """Every article the filter selects, in id order (the order of every file), with its rows.

    The session should see one snapshot for all statements: a SQLite read transaction does,
    a PostgreSQL one in REPEATABLE READ.
    """
    articles = _stream(session, _articles(article_filter))
    sentences = _Rows(_stream(session, _sentences(session, article_filter)))
    gold = _Rows(_stream(session, _gold(session, article_filter)))
    links = _Rows(_stream(session, _links(article_filter)))
    for row in articles:
        article = ArticleRow._make(row)
        adjudicated: dict[int, GoldRow] = {
            index: (label, evidence, version, rationale, claim, saved)
            for _, index, label, evidence, version, rationale, claim, saved in gold.take(article.id)
        }
        related: dict[int, list[tuple[str, int]]] = {}
        for _, index, other_article, other_index in links.take(article.id):
            related.setdefault(index, []).append((other_article, other_index))
        yield ArticleRows(article, sentences.take(article.id), adjudicated, related)
