"""Many reviewer labels written at once (label imports): a few statements, not a few per label."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from workbench.db.models import Annotation, AuditEntry, EvidenceItem

CHUNK = 500


class StoredEvidence(NamedTuple):
    """An evidence item as stored, with the attributes ``annotate.snapshot`` reads."""

    annotation_id: int
    url: str
    quote: str
    stance: str
    note: str
    sentence_ref: str | None


class StoredLabel(NamedTuple):
    """A reviewer's stored label on a sentence."""

    id: int
    label: str
    note: str
    evidence: tuple[StoredEvidence, ...]


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def stored_labels(
    session: Session, *, keys: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], StoredLabel]:
    """The labels stored under these (sentence id, user id) keys, locked until commit."""
    found: dict[tuple[int, int], StoredLabel] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = session.execute(
            select(
                Annotation.id,
                Annotation.sentence_id,
                Annotation.user_id,
                Annotation.label,
                Annotation.note,
            )
            .where(tuple_(Annotation.sentence_id, Annotation.user_id).in_(chunk))
            .with_for_update()
        ).all()
        if not rows:
            continue
        items = session.execute(
            select(
                EvidenceItem.annotation_id,
                EvidenceItem.url,
                EvidenceItem.quote,
                EvidenceItem.stance,
                EvidenceItem.note,
                EvidenceItem.sentence_ref,
            )
            .where(EvidenceItem.annotation_id.in_([row.id for row in rows]))
            .order_by(EvidenceItem.annotation_id, EvidenceItem.position, EvidenceItem.id)
        ).all()
        evidence = {
            owner: tuple(StoredEvidence._make(item) for item in group)
            for owner, group in groupby(items, attrgetter("annotation_id"))
        }
        for row in rows:
            stored = StoredLabel(row.id, row.label, row.note, evidence.get(row.id, ()))
            found[row.sentence_id, row.user_id] = stored
    return found


def insert_labels(session: Session, *, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert annotation rows (column name -> value); return their new ids in the same order."""
    if not rows:
        return []
    stmt = insert(Annotation).returning(Annotation.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, list(rows)))


def update_labels(session: Session, *, rows: Sequence[dict[str, Any]]) -> None:
    """Update annotations by id; each row holds ``id`` and the columns that change."""
    if rows:
        session.execute(update(Annotation), list(rows))


def replace_evidence(
    session: Session, *, annotation_ids: Sequence[int], rows: Sequence[dict[str, Any]]
) -> None:
    """Drop the evidence of these annotations, then insert ``rows`` (evidence item columns)."""
    for chunk in _chunks(list(annotation_ids)):
        session.execute(delete(EvidenceItem).where(EvidenceItem.annotation_id.in_(chunk)))
    if rows:
        session.execute(insert(EvidenceItem), list(rows))


def append_audit(session: Session, *, rows: Sequence[dict[str, Any]]) -> None:
    """Append audit rows (column name -> value)."""
    if rows:
        session.execute(insert(AuditEntry), list(rows))
