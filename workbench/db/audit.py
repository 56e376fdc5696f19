"""The audit log's one writer: every change to a label, a gold label, a sentence or an account.

An account change (role, activation, password reset) concerns no sentence: its ``sentence_id``
is ``NO_SENTENCE`` (0, an id no sentence has), so label histories never show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from workbench.db.models import AuditEntry, utcnow

Entity = Literal["annotation", "gold", "sentence", "account", "link_decision"]
NO_SENTENCE = 0


@dataclass(frozen=True, slots=True)
class Change:
    """One audited change: who changed which label of which sentence (or which account), how.

    ``old`` None means the label was created, ``new`` None that it was deleted. ``verb``
    names an edit of a sentence's text (``merge``, ``split``) instead.
    """

    entity: Entity
    entity_id: int
    sentence_id: int
    actor_id: int | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    verb: str | None = None

    @property
    def action(self) -> str:
        """create, update or delete (or the edit's verb), as the audit log names it."""
        if self.verb is not None:
            return self.verb
        if self.old is None:
            return "create"
        return "delete" if self.new is None else "update"


def append_audit(
    session: Session, changes: Sequence[Change], *, at: datetime | None = None
) -> None:
    """Append one audit row per change, all stamped ``at`` (default: now), in the order given."""
    if not changes:
        return
    when = at or utcnow()
    rows = [
        {
            "at": when,
            "actor_id": change.actor_id,
            "entity": change.entity,
            "entity_id": change.entity_id,
            "sentence_id": change.sentence_id,
            "action": change.action,
            "old": change.old,
            "new": change.new,
        }
        for change in changes
    ]
    session.execute(insert(AuditEntry), rows)
