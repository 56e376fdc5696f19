"""Editors settle disagreements: gold labels with rationale, optimistic locking and audit rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workbench.db import labels
from workbench.db.models import AuditEntry, GoldLabel, Sentence, utcnow
from workbench.domain.gold import Policy, Source, gold_label
from workbench.domain.labels import Evidence, Label, Role, parse_label
from workbench.errors import ConflictError, InputError, NotFoundError
from workbench.services.annotate import evidence_rows
from workbench.services.permissions import require_role

MAX_RATIONALE = 10_000


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A sentence whose reviewers disagree, with how contested it is."""

    sentence_id: int
    article_id: str
    index: int
    text: str
    labels: dict[str, str]
    top_share: float
    adjudicated: bool = False

    @property
    def distinct(self) -> int:
        """Number of different labels given."""
        return len(set(self.labels.values()))


def _snapshot(gold: GoldLabel) -> dict[str, Any]:
    return {
        "label": gold.label,
        "rationale": gold.rationale,
        "version": gold.version,
        "evidence": [
            {
                "url": item.url,
                "quote": item.quote,
                "stance": item.stance,
                "note": item.note,
                "sentence_ref": item.sentence_ref,
            }
            for item in gold.evidence
        ],
    }


def _conflict(sentence_id: int) -> ConflictError:
    return ConflictError(
        f"sentence {sentence_id} was adjudicated by another editor meanwhile; "
        "nothing was overwritten: reload it, check their label, then save again"
    )


def adjudicate(
    session: Session,
    *,
    editor_id: int,
    sentence_id: int,
    label: Label | str,
    rationale: str,
    evidence: Sequence[Evidence] = (),
    expected_version: int | None = None,
) -> GoldLabel:
    """Set a sentence's gold label; ``expected_version`` is the version the editor saw (None: none).

    A gold label changed or created by someone else since then raises ConflictError and
    nothing is written.
    """
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    verdict = parse_label(label)
    rationale = rationale.strip()
    if not rationale:
        raise InputError("a gold label needs a rationale")
    if len(rationale) > MAX_RATIONALE:
        raise InputError(f"rationale is longer than {MAX_RATIONALE} characters")
    if session.get(Sentence, sentence_id) is None:
        raise NotFoundError(f"no sentence with id {sentence_id}")
    gold = labels.gold_for(session, sentence_id=sentence_id)
    if (gold.version if gold is not None else None) != expected_version:
        raise _conflict(sentence_id)
    old = _snapshot(gold) if gold is not None else None
    items = evidence_rows(evidence)
    if gold is None:
        gold = GoldLabel(
            sentence_id=sentence_id,
            label=verdict.value,
            rationale=rationale,
            editor_id=editor_id,
            evidence=items,
        )
        session.add(gold)
    else:
        # updated_at always changes, so the versioned UPDATE runs even for an evidence-only edit.
        gold.label, gold.rationale, gold.editor_id = verdict.value, rationale, editor_id
        gold.evidence = items
        gold.updated_at = utcnow()
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise _conflict(sentence_id) from exc
    _audit(session, gold, editor_id=editor_id, old=old)
    return gold


def _audit(
    session: Session, gold: GoldLabel, *, editor_id: int, old: dict[str, Any] | None
) -> None:
    session.add(
        AuditEntry(
            actor_id=editor_id,
            entity="gold",
            entity_id=gold.id,
            sentence_id=gold.sentence_id,
            action="create" if old is None else "update",
            old=old,
            new=_snapshot(gold),
        )
    )
    session.flush()


def bulk_accept_unanimous(session: Session, *, editor_id: int, min_reviewers: int = 2) -> int:
    """Make the shared label gold for every unadjudicated unanimous sentence; return how many."""
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    if min_reviewers < 2:
        raise InputError("bulk accept needs at least 2 reviewers per sentence to be unanimous")
    accepted = 0
    for sentence_id, _, _ in labels.unanimous_candidates(session, min_reviewers=min_reviewers):
        found = labels.sentence_labels(session, sentence_id=sentence_id)
        gold = gold_label(found, policy=Policy.UNANIMOUS, min_reviewers=min_reviewers)
        if gold is None or gold.source is not Source.UNANIMOUS:
            continue
        row = GoldLabel(
            sentence_id=sentence_id,
            label=gold.label,
            rationale=f"unanimous: all {len(found)} reviewers chose {gold.label}",
            editor_id=editor_id,
            evidence=[],
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:
            raise ConflictError(
                "another editor adjudicated some of these sentences meanwhile; "
                "nothing was accepted: try again"
            ) from exc
        _audit(session, row, editor_id=editor_id, old=None)
        accepted += 1
    return accepted


def disagreement_queue(
    session: Session, *, editor_id: int, include_adjudicated: bool = False
) -> list[QueueItem]:
    """Sentences whose reviewers disagree, most contested first (editors only)."""
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    frame = labels.contested_rows(session, include_adjudicated=include_adjudicated)
    settled = labels.gold_labels(session) if include_adjudicated else {}
    items = []
    for _, rows in frame.groupby("sentence_id", sort=True):
        given = dict(zip(rows["reviewer"], rows["label"], strict=True))
        top = max(list(given.values()).count(label) for label in set(given.values()))
        first = rows.iloc[0]
        items.append(
            QueueItem(
                sentence_id=int(first["sentence_id"]),
                article_id=str(first["article_id"]),
                index=int(first["index"]),
                text=str(first["text"]),
                labels=given,
                top_share=top / len(given),
                adjudicated=int(first["sentence_id"]) in settled,
            )
        )
    items.sort(key=lambda q: (q.top_share, -q.distinct, -len(q.labels), q.sentence_id))
    return items
