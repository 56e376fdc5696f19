"""The history of a sentence's labels (who, when, from what, to what), for editors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workbench.db import history, queries
from workbench.domain.labels import Role, evidence_complete, parse_label
from workbench.errors import InputError, NotFoundError
from workbench.services.permissions import require_role

KINDS = {"annotation": "reviewer label", "gold": "gold label", "sentence": "sentence text"}


@dataclass(frozen=True, slots=True)
class LabelChange:
    """One change of a label on a sentence, as shown to an editor."""

    at: datetime
    who: str
    kind: str
    action: str
    from_label: str | None
    to_label: str | None
    from_note: str | None
    to_note: str | None
    from_evidence: int
    to_evidence: int
    reason: str = ""  # why a fix of the text moved or removed a label, or what it did
    # A gold label's rationale before and after (None for reviewer labels and deletions).
    from_rationale: str | None = None
    to_rationale: str | None = None
    # Whether the new state meets its verdict's evidence rule (None after a deletion).
    to_complete: bool | None = None
    # The claim as checked before and after (None: the sentence as written, or no label).
    from_claim: str | None = None
    to_claim: str | None = None


def _field(snapshot: dict[str, Any] | None, key: str) -> str | None:
    if snapshot is None:
        return None
    value = snapshot.get(key)
    return None if value is None else str(value)


def _evidence(snapshot: dict[str, Any] | None) -> int:
    items = (snapshot or {}).get("evidence") or []
    return len(items) if isinstance(items, list) else 0


def _complete(snapshot: dict[str, Any] | None) -> bool | None:
    if snapshot is None or "label" not in snapshot:
        return None  # a sentence edit's audit row records where labels moved, not a label
    items = snapshot.get("evidence") or []
    return evidence_complete(
        parse_label(snapshot.get("label")), items if isinstance(items, list) else []
    )


def _change(row: history.AuditRow) -> LabelChange:
    return LabelChange(
        at=row.at,
        who=row.actor or "(deleted account)",
        kind=KINDS.get(row.entity, row.entity),
        action=row.action,
        from_label=_field(row.old, "label"),
        to_label=_field(row.new, "label"),
        from_note=_field(row.old, "note") if row.old is not None else None,
        to_note=_field(row.new, "note") if row.new is not None else None,
        from_evidence=_evidence(row.old),
        to_evidence=_evidence(row.new),
        reason=_field(row.new, "reason") or _field(row.old, "reason") or "",
        from_rationale=_field(row.old, "rationale"),
        to_rationale=_field(row.new, "rationale"),
        to_complete=_complete(row.new),
        from_claim=_field(row.old, "claim"),
        to_claim=_field(row.new, "claim"),
    )


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of a sentence's recorded changes and how many there are in all."""

    changes: list[LabelChange]
    total: int


def _sentence_id(session: Session, *, article_id: str, index: int) -> int:
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    return sentence.id


def _entity(kind: str | None) -> str | None:
    if kind is None:
        return None
    for entity, name in KINDS.items():
        if kind in (entity, name):
            return entity
    raise InputError(f"bad kind {kind!r}; expected one of {', '.join(KINDS.values())}")


def label_history_page(
    session: Session,
    *,
    actor_id: int,
    article_id: str,
    index: int,
    kind: str | None = None,
    limit: int,
    offset: int = 0,
) -> HistoryPage:
    """One page of a sentence's changes, oldest first, optionally of one kind (editor only)."""
    require_role(session, user_id=actor_id, role=Role.EDITOR)
    sentence_id = _sentence_id(session, article_id=article_id, index=index)
    entity = _entity(kind)
    rows = history.sentence_audit(
        session, sentence_id=sentence_id, entity=entity, limit=limit, offset=offset
    )
    total = history.sentence_audit_count(session, sentence_id=sentence_id, entity=entity)
    return HistoryPage([_change(row) for row in rows], total)


def changed_sentences(session: Session, *, actor_id: int, article_id: str) -> list[int]:
    """Indices of an article's sentences whose labels have recorded changes (editor only)."""
    require_role(session, user_id=actor_id, role=Role.EDITOR)
    return history.audited_indices(session, article_id=article_id)
