"""Reads behind dataset exports: the articles' ids, then one slice of articles at a time."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import (
    ClauseElement,
    ColumnElement,
    Select,
    String,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy import cast as cast_
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler

from workbench.db.models import (
    Annotation,
    Article,
    ClaimLink,
    EvidenceItem,
    GoldLabel,
    Sentence,
)
from workbench.db.sql_text import joined_text, json_string


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


class SentenceRow(NamedTuple):
    """A sentence with its database id and offsets; ``number`` is its 0-based index."""

    article_id: str
    number: int
    id: int
    start: int
    end: int
    text: str
    checkworthiness: float
    boilerplate: bool


# Tuples, not ORM objects: the export touches every label, so per-row overhead is what counts.
# An evidence row: (owner id, url, quote, stance, note, sentence_ref), in position order.
EvidenceTuple = tuple[int, str, str, str, str, str | None]
# The labels of one sentence: (sentence id, user ids joined by spaces, labels joined by spaces,
# then joined by SEPARATOR: notes as JSON strings, stored times, evidence JSON arrays, then
# guideline versions as JSON joined by spaces). JSON text escapes control characters, so
# SEPARATOR never occurs inside a value. A stored time becomes ISO 8601 UTC text through
# ``label_time``, only where needed.
LabelGroup = tuple[int, str, str, str, str, str, str]
SEPARATOR = "\x1f"
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")
# A gold row: (sentence id, gold label id, label, guideline version, rationale).
GoldTuple = tuple[int, int, str, int | None, str]


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


def filtered(stmt: _S, article_filter: ArticleFilter) -> _S:
    """``stmt`` restricted to the articles ``article_filter`` selects (ids, published range)."""
    if article_filter.article_ids:
        stmt = stmt.where(Article.id.in_(article_filter.article_ids))
    if article_filter.since:
        stmt = stmt.where(Article.published >= article_filter.since)
    if article_filter.until:
        stmt = stmt.where(Article.published <= article_filter.until)
    return stmt


def article_ids(session: Session, *, article_filter: ArticleFilter) -> list[str]:
    """The ids of the articles an export covers, in id order (the order of every file)."""
    stmt = filtered(select(Article.id), article_filter).order_by(Article.id)
    return list(session.scalars(stmt))


def articles_by_id(session: Session, *, article_ids: Sequence[str]) -> list[ArticleRow]:
    """These articles' metadata and bodies, in id order."""
    stmt = (
        select(
            Article.id, Article.title, Article.outlet, Article.url, Article.published, Article.body
        )
        .where(Article.id.in_(article_ids))
        .order_by(Article.id)
    )
    return list(map(ArticleRow._make, _fetch(session, stmt)))


def _first_read(session: Session) -> None:
    """Read one row, which starts a SQLite read transaction on the data committed now."""
    session.execute(select(Article.id).limit(1)).all()


def share_snapshot(session: Session) -> str | None:
    """Fix what this read session sees; on PostgreSQL, return the id others can see it by.

    A PostgreSQL session must be in a REPEATABLE READ transaction, which stays open while
    others use the snapshot. SQLite (WAL) fixes a reader's view at its first read, so this
    reads once and returns None.
    """
    if session.get_bind().dialect.name != "postgresql":
        _first_read(session)
        return None
    return str(session.scalar(text("SELECT pg_export_snapshot()")))


def use_snapshot(session: Session, snapshot: str | None) -> None:
    """Start this session's read transaction on what ``share_snapshot`` fixed elsewhere.

    PostgreSQL imports the exported ``snapshot``. On SQLite (``snapshot`` None) this reads once,
    and the caller makes sure no write has committed since the other session's first read.
    """
    if snapshot is None:
        _first_read(session)
        return
    if not _SNAPSHOT_ID.fullmatch(snapshot):
        raise ValueError(f"not a PostgreSQL snapshot id: {snapshot!r}")
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    # SET TRANSACTION takes no bind parameters; the id was checked above.
    session.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))


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
            Sentence.boilerplate,
        )
        .where(Sentence.article_id.in_(article_ids))
        .order_by(Sentence.article_id, Sentence.index)
    )
    return list(map(SentenceRow._make, _fetch(session, stmt)))


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


def _joined(
    value: ColumnElement[Any] | QueryableAttribute[Any], separator: str
) -> ColumnElement[str]:
    return joined_text(value, literal(separator, String))


def labels_of(
    session: Session, *, article_ids: Sequence[str], verdicts_only: bool = False
) -> list[LabelGroup]:
    """The reviewer labels of these articles, one row per labeled sentence (see ``LabelGroup``).

    Each column lists one value per label, every column in the same order, which is otherwise
    arbitrary: the caller puts the labels in reviewer order. ``verdicts_only`` leaves the notes,
    times, evidence and guideline versions empty: counting labels needs none of them.
    """
    details: list[ColumnElement[str]]
    if verdicts_only:
        details = [literal("", String)] * 4
    else:
        stored: ColumnElement[Any] = (
            Annotation.updated_at  # type: ignore[assignment]
            if session.get_bind().dialect.name == "sqlite"
            else _utc_iso_seconds(Annotation.updated_at)
        )
        details = [
            _joined(json_string(Annotation.note), SEPARATOR),
            _joined(stored, SEPARATOR),
            _joined(Annotation.evidence_json, SEPARATOR),
            _joined(
                func.coalesce(cast_(Annotation.guideline_version, String), literal("null")), " "
            ),
        ]
    stmt = (
        select(
            Sentence.id,
            _joined(cast_(Annotation.user_id, String), " "),
            _joined(Annotation.label, " "),
            *details,
        )
        .join(Annotation, Annotation.sentence_id == Sentence.id)
        .where(Sentence.article_id.in_(article_ids))
        # The order of the sentence index, so SQLite groups without sorting.
        .group_by(Sentence.article_id, Sentence.index, Sentence.id)
    )
    return cast(list[LabelGroup], _fetch(session, stmt))


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


def gold_labels_of(session: Session, *, article_ids: Sequence[str]) -> list[GoldTuple]:
    """Adjudicated labels of these articles: (sentence id, gold id, label, version, rationale)."""
    stmt = (
        select(
            GoldLabel.sentence_id,
            GoldLabel.id,
            GoldLabel.label,
            GoldLabel.guideline_version,
            GoldLabel.rationale,
        )
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
