"""The adjudication queue read from ``sentence_label_counts``: keyset pages, totals, bulk picks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import Session

from workbench.db.label_counts import SentenceLabelCount as Counts
from workbench.db.label_counts import count_column
from workbench.db.models import Annotation, Sentence, User
from workbench.domain.labels import LABELS

# A sentence's place in the queue: (share, -distinct labels, -labels, sentence id), ascending.
QueueKey = tuple[float, int, int, int]
_KEY = (Counts.share, Counts.minus_distinct, Counts.minus_labels, Counts.sentence_id)


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One contested sentence with its label counts, as the queue lists it."""

    sentence_id: int
    article_id: str
    index: int
    text: str
    counts: tuple[int, ...]
    n_labels: int
    distinct: int
    share: float
    adjudicated: bool
    key: QueueKey


def _conditions(
    *, include_adjudicated: bool, pair: tuple[str, str] | None
) -> list[ColumnElement[bool]]:
    # Equalities on the leading columns of ix_sentence_label_counts_open / _contested, so the
    # database walks the index in queue order and stops at the page's LIMIT.
    where = [Counts.contested == 1]
    if not include_adjudicated:
        where.append(Counts.adjudicated == 0)
    if pair is not None:
        where.extend(count_column(label) > 0 for label in pair)
    return where


def _filtered(
    stmt: Select[*tuple[Any, ...]],
    *,
    include_adjudicated: bool,
    article_id: str | None,
    pair: tuple[str, str] | None,
) -> Select[*tuple[Any, ...]]:
    stmt = stmt.where(*_conditions(include_adjudicated=include_adjudicated, pair=pair))
    if article_id is not None:
        stmt = stmt.where(Sentence.article_id == article_id)
    return stmt


def _select_rows() -> Select[*tuple[Any, ...]]:
    return select(
        Counts.sentence_id,
        Sentence.article_id,
        Sentence.index,
        Sentence.text,
        *(count_column(label) for label in LABELS),
        Counts.n_labels,
        Counts.distinct_labels,
        Counts.adjudicated,
        *_KEY,
    ).join(Sentence, Sentence.id == Counts.sentence_id)


def _row(row: Sequence[Any]) -> QueueRow:
    sentence_id, article_id, index, text = row[:4]
    counts = tuple(int(n) for n in row[4 : 4 + len(LABELS)])
    n_labels, distinct, adjudicated, share, minus_distinct, minus_labels, _ = row[4 + len(LABELS) :]
    key = (float(share), int(minus_distinct), int(minus_labels), int(sentence_id))
    return QueueRow(
        int(sentence_id),
        str(article_id),
        int(index),
        str(text),
        counts,
        int(n_labels),
        int(distinct),
        float(share),
        bool(adjudicated),
        key,
    )


def queue_rows(
    session: Session,
    *,
    include_adjudicated: bool = False,
    article_id: str | None = None,
    pair: tuple[str, str] | None = None,
    after: QueueKey | None = None,
    limit: int = 50,
) -> list[QueueRow]:
    """Up to ``limit`` contested sentences after ``after``, most contested first."""
    stmt = _filtered(
        _select_rows(), include_adjudicated=include_adjudicated, article_id=article_id, pair=pair
    )
    if after is not None:
        stmt = stmt.where(tuple_(*_KEY) > tuple_(*after))
    return [_row(row) for row in session.execute(stmt.order_by(*_KEY).limit(limit))]


def queue_total(
    session: Session,
    *,
    include_adjudicated: bool = False,
    article_id: str | None = None,
    pair: tuple[str, str] | None = None,
) -> int:
    """How many sentences the queue with these filters holds."""
    stmt = select(func.count()).select_from(Counts)
    if article_id is not None:
        stmt = stmt.join(Sentence, Sentence.id == Counts.sentence_id)
    stmt = _filtered(
        stmt, include_adjudicated=include_adjudicated, article_id=article_id, pair=pair
    )
    return int(session.scalar(stmt) or 0)


def queue_row(session: Session, *, sentence_id: int) -> QueueRow | None:
    """The queue row of one contested sentence (settled or not), or None."""
    stmt = _select_rows().where(Counts.sentence_id == sentence_id, Counts.contested == 1)
    row = session.execute(stmt).first()
    return None if row is None else _row(row)


def reviewer_labels(session: Session, *, sentence_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """{sentence id: {reviewer name: label}} of these sentences (one queue page)."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    if not sentence_ids:
        return found
    rows = session.execute(
        select(Annotation.sentence_id, User.name, Annotation.label)
        .join(User, User.id == Annotation.user_id)
        .where(Annotation.sentence_id.in_(list(sentence_ids)))
        .order_by(Annotation.sentence_id, User.name)
    )
    for sentence_id, name, label in rows:
        found[int(sentence_id)][str(name)] = str(label)
    return found


def reviewer_evidence(session: Session, *, sentence_ids: Sequence[int]) -> dict[int, list[str]]:
    """{sentence id: each reviewer's evidence as stored JSON, in reviewer name order}."""
    found: dict[int, list[str]] = defaultdict(list)
    if not sentence_ids:
        return found
    rows = session.execute(
        select(Annotation.sentence_id, Annotation.evidence_json)
        .join(User, User.id == Annotation.user_id)
        .where(Annotation.sentence_id.in_(list(sentence_ids)))
        .order_by(Annotation.sentence_id, User.name)
    )
    for sentence_id, evidence in rows:
        found[int(sentence_id)].append(str(evidence))
    return found


def _unanimous(min_reviewers: int) -> list[ColumnElement[bool]]:
    return [
        Counts.adjudicated == 0,
        Counts.distinct_labels == 1,
        Counts.n_labels >= min_reviewers,
    ]


def unanimous_open(
    session: Session, *, min_reviewers: int, limit: int
) -> list[tuple[int, str, int]]:
    """(sentence id, label, reviewers) of up to ``limit`` unadjudicated unanimous sentences."""
    rows = session.execute(
        select(Counts.sentence_id, *(count_column(label) for label in LABELS), Counts.n_labels)
        .where(*_unanimous(min_reviewers))
        .order_by(Counts.sentence_id)
        .limit(limit)
    )
    picked = []
    for row in rows:
        label = next(label for label, n in zip(LABELS, row[1:-1], strict=True) if n)
        picked.append((int(row[0]), label, int(row[-1])))
    return picked


def count_unanimous_open(session: Session, *, min_reviewers: int) -> int:
    """How many unadjudicated sentences have at least ``min_reviewers`` labels, all the same."""
    stmt = select(func.count()).select_from(Counts).where(*_unanimous(min_reviewers))
    return int(session.scalar(stmt) or 0)
