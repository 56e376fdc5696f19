"""Guideline versions and the labels made under an older one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from workbench.db.models import Annotation, GoldLabel, Guideline, Sentence, User, utcnow


@dataclass(frozen=True, slots=True)
class GuidelineVersion:
    """One version of the guidelines with its author's name (None: the packaged default)."""

    version: int
    text: str
    author: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OlderLabel:
    """A label made under an older guideline version (None: before there were guidelines)."""

    kind: str  # "review" for a reviewer's label, "gold" for an adjudicated one
    article_id: str
    index: int
    text: str
    who: str
    label: str
    guideline_version: int | None
    updated_at: datetime


def current_version(session: Session) -> int | None:
    """The version of the guidelines in force, or None when there are none."""
    return session.scalar(select(func.max(Guideline.version)))


def guideline(session: Session, *, version: int | None = None) -> GuidelineVersion | None:
    """The guidelines of ``version`` (default: in force) with the author's name, or None."""
    query = (
        select(Guideline.version, Guideline.text, User.name, Guideline.created_at)
        .outerjoin(User, User.id == Guideline.author_id)
        .order_by(Guideline.version.desc())
        .limit(1)
    )
    if version is not None:
        query = query.where(Guideline.version == version)
    row = session.execute(query).first()
    return None if row is None else GuidelineVersion(*row)


def versions(session: Session, *, limit: int, offset: int = 0) -> list[GuidelineVersion]:
    """Guideline versions newest first, ``limit`` of them from ``offset``."""
    rows = session.execute(
        select(Guideline.version, Guideline.text, User.name, Guideline.created_at)
        .outerjoin(User, User.id == Guideline.author_id)
        .order_by(Guideline.version.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [GuidelineVersion(*row) for row in rows]


def add_version(session: Session, *, text: str, author_id: int | None) -> int:
    """Append the next version of the guidelines; return its number.

    Two admins saving at once both compute the same next number; the primary key refuses the
    second insert, so a version is never overwritten.
    """
    version = (current_version(session) or 0) + 1
    session.add(Guideline(version=version, text=text, author_id=author_id, created_at=utcnow()))
    session.flush()
    return version


def _older(column: InstrumentedAttribute[int | None], current: int) -> ColumnElement[bool]:
    return or_(column.is_(None), column < current)


def count_older_labels(session: Session, *, current: int) -> tuple[int, int]:
    """(reviewer labels, gold labels) made under a version before ``current`` or before any."""
    reviews = select(func.count()).where(_older(Annotation.guideline_version, current))
    gold = select(func.count()).where(_older(GoldLabel.guideline_version, current))
    return (
        session.scalar(reviews.select_from(Annotation)) or 0,
        session.scalar(gold.select_from(GoldLabel)) or 0,
    )


def older_labels(
    session: Session, *, current: int, gold: bool, limit: int, offset: int = 0
) -> list[OlderLabel]:
    """One page of the reviewer (or gold) labels made under an older version, oldest first.

    Ordered along the ``guideline_version, id`` index: NULL first, then by version and id.
    """
    model = GoldLabel if gold else Annotation
    who_id = GoldLabel.editor_id if gold else Annotation.user_id
    person = aliased(User)
    page = (
        select(model.id)
        .where(_older(model.guideline_version, current))
        .order_by(model.guideline_version.nulls_first(), model.id)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    rows = session.execute(
        select(
            Sentence.article_id,
            Sentence.index,
            Sentence.text,
            person.name,
            model.label,
            model.guideline_version,
            model.updated_at,
        )
        .select_from(model)
        .join(page, page.c.id == model.id)
        .join(Sentence, Sentence.id == model.sentence_id)
        .join(person, person.id == who_id)
        .order_by(model.guideline_version.nulls_first(), model.id)
    ).all()
    kind = "gold" if gold else "review"
    return [OlderLabel(kind, *row) for row in rows]
