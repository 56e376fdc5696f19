"""Reviewers' decisions on suggested claim links, stored and audited, blind like labels."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db import queries
from workbench.db.audit import Change, append_audit
from workbench.db.link_decisions import (
    DecisionState,
    LinkDecision,
    decision_for,
    decisions_on,
    ordered,
)
from workbench.db.models import utcnow
from workbench.domain.labels import Role, parse_sentence_ref
from workbench.errors import InputError, NotFoundError
from workbench.services.permissions import require_role

__all__ = ["Decided", "DecisionState", "decide_link", "panel_decisions", "shown_decisions"]


@dataclass(frozen=True, slots=True)
class Decided:
    """What a reviewer decided on one link: None where they have not decided."""

    same_claim: bool | None
    conflict: bool | None


def _pair(session: Session, *, article_id: str, index: int, ref: str) -> tuple[int, int]:
    """The stored-order sentence ids of a shown link; refuses a ref that is not linked."""
    ref = parse_sentence_ref(ref)
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    other_article, _, other_index = ref.rpartition(":")
    other = queries.sentence_at(session, article_id=other_article, index=int(other_index))
    linked = {
        item.ref for item in claim_queries.related_sentences(session, sentence_id=sentence.id)
    }
    if other is None or ref not in linked:
        raise InputError(f"{ref} is not linked to {article_id}:{index}")
    return ordered(sentence.id, other.id)


def decide_link(
    session: Session,
    *,
    user_id: int,
    article_id: str,
    index: int,
    ref: str,
    same_claim: bool | None = None,
    conflict: bool | None = None,
) -> Decided:
    """Record this reviewer's decision on a link: same claim or not, and/or conflict real or not.

    A value left None keeps what the reviewer decided before. The change is audited.
    """
    if same_claim is None and conflict is None:
        raise InputError("a link decision needs 'same claim' or 'conflict' (or both)")
    require_role(session, user_id=user_id, role=Role.REVIEWER)
    a, b = _pair(session, article_id=article_id, index=index, ref=ref)
    stored = decision_for(session, a_sentence_id=a, b_sentence_id=b, user_id=user_id)
    old = None if stored is None else _state(stored.same_claim, stored.conflict)
    if stored is None:
        stored = LinkDecision(a_sentence_id=a, b_sentence_id=b, user_id=user_id)
        session.add(stored)
    if same_claim is not None:
        stored.same_claim = same_claim
    if conflict is not None:
        stored.conflict = conflict
    stored.updated_at = utcnow()
    session.flush()
    new = _state(stored.same_claim, stored.conflict)
    if new != old:
        new_with_pair = {**new, "a_sentence_id": a, "b_sentence_id": b}
        append_audit(session, [Change("link_decision", stored.id, a, user_id, old, new_with_pair)])
    return Decided(stored.same_claim, stored.conflict)


def _state(same_claim: bool | None, conflict: bool | None) -> dict[str, object]:
    return {"same_claim": same_claim, "conflict": conflict}


def shown_decisions(
    session: Session, *, user_id: int, sentence_id: int, other_ids: list[int]
) -> dict[int, list[DecisionState]]:
    """Decisions on the shown links of one sentence, by the other sentence's id.

    Blind like labels: a reviewer gets only their own decisions; editors and admins get all.
    """
    user = require_role(session, user_id=user_id, role=Role.REVIEWER)
    everyone = Role(user.role).allows(Role.EDITOR)
    pairs = {ordered(sentence_id, other): other for other in other_ids}
    found = decisions_on(session, pairs=list(pairs), user_id=None if everyone else user_id)
    return {pairs[pair]: states for pair, states in found.items()}


def panel_decisions(
    session: Session, *, user_id: int, article_id: str, index: int, refs: list[str]
) -> dict[str, list[DecisionState]]:
    """Decisions on the links the panel shows (``refs``, capped per sentence), by ref."""
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    ids: dict[int, str] = {}
    for ref in refs:
        other_article, _, other_index = parse_sentence_ref(ref).rpartition(":")
        other = queries.sentence_at(session, article_id=other_article, index=int(other_index))
        if other is not None:
            ids[other.id] = ref
    found = shown_decisions(session, user_id=user_id, sentence_id=sentence.id, other_ids=list(ids))
    return {ids[key]: states for key, states in found.items()}
