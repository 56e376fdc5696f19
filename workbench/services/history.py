"""The history of a sentence's labels (who, when, from what, to what), for editors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workbench.db import history, queries
from workbench.domain.labels import Role
from workbench.errors import NotFoundError
from workbench.services.permissions import require_role

KINDS = {"annotation": "reviewer label", "gold": "gold label"}


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


def _field(snapshot: dict[str, Any] | None, key: str) -> str | None:
    if snapshot is None:
        return None
    value = snapshot.get(key)
    return None if value is None else str(value)


def _evidence(snapshot: dict[str, Any] | None) -> int:
    items = (snapshot or {}).get("evidence") or []
    return len(items) if isinstance(items, list) else 0


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
    )


def label_history(
    session: Session, *, actor_id: int, article_id: str, index: int
) -> list[LabelChange]:
    """Every recorded change to the labels of one sentence, oldest first (editor only)."""
    require_role(session, user_id=actor_id, role=Role.EDITOR)
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    return [_change(row) for row in history.sentence_audit(session, sentence_id=sentence.id)]


def changed_sentences(session: Session, *, actor_id: int, article_id: str) -> list[int]:
    """Indices of an article's sentences whose labels have recorded changes (editor only)."""
    require_role(session, user_id=actor_id, role=Role.EDITOR)
    return history.audited_indices(session, article_id=article_id)
