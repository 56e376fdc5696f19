"""Editors settle disagreements: gold labels with rationale, optimistic locking and audit rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workbench.db import adjudication_queue as queue
from workbench.db import labels
from workbench.db.audit import Change, append_audit
from workbench.db.evidence import evidence_of, store_evidence
from workbench.db.guidelines import current_version
from workbench.db.models import Article, GoldLabel, Sentence, utcnow
from workbench.domain.gold import check_rationale
from workbench.domain.labels import (
    LABELS,
    Evidence,
    Label,
    Role,
    check_label_evidence,
    claim_as_checked,
    decode_evidence,
    gold_snapshot,
    parse_label,
)
from workbench.errors import ConflictError, InputError, NotFoundError
from workbench.services.permissions import require_role

PAGE_SIZE = 50
# A bulk accept stores at most this many gold labels per click (one bounded transaction).
BULK_LIMIT = 1_000


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
    key: queue.QueueKey = (0.0, 0, 0, 0)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def distinct(self) -> int:
        """Number of different labels given."""
        return len(set(self.labels.values()))


@dataclass(frozen=True, slots=True)
class QueuePage:
    """A page of the queue, the queue's total, and where the next page starts (None: last)."""

    items: list[QueueItem]
    total: int
    next_after: queue.QueueKey | None


def _audit_snapshot(gold: GoldLabel) -> dict[str, Any]:
    return gold_snapshot(
        gold.label, gold.rationale, gold.version, evidence_of(gold), gold.claim_text
    )


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
    claim: str | None = None,
) -> GoldLabel:
    """Set a sentence's gold label; ``expected_version`` is the version the editor saw (None: none).

    ``claim`` is the claim as checked; None, empty or the sentence text itself store NULL.

    A gold label changed or created by someone else since then raises ConflictError and
    nothing is written. Evidence follows the reviewers' rule: a verdict may be saved before
    its evidence (an *incomplete* gold label); ``not_a_claim`` takes none.
    """
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    verdict = parse_label(label)
    check_label_evidence(verdict, evidence)
    rationale = check_rationale(rationale)
    sentence = session.get(Sentence, sentence_id)
    if sentence is None:
        raise NotFoundError(f"no sentence with id {sentence_id}")
    restated = claim_as_checked(claim, sentence.text)
    gold = labels.gold_for(session, sentence_id=sentence_id)
    if (gold.version if gold is not None else None) != expected_version:
        raise _conflict(sentence_id)
    old = _audit_snapshot(gold) if gold is not None else None
    in_force = current_version(session)  # read before any change: no autoflush in between
    if gold is None:
        gold = GoldLabel(
            sentence_id=sentence_id, label=verdict.value, rationale=rationale, editor_id=editor_id
        )
        session.add(gold)
    else:
        # updated_at always changes, so the versioned UPDATE runs even for an evidence-only edit.
        gold.label, gold.rationale, gold.editor_id = verdict.value, rationale, editor_id
        gold.updated_at = utcnow()
    gold.claim_text = restated
    gold.guideline_version = in_force
    store_evidence(gold, evidence)
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise _conflict(sentence_id) from exc
    append_audit(session, [_change(gold, editor_id=editor_id, old=old)])
    return gold


def _change(gold: GoldLabel, *, editor_id: int, old: dict[str, Any] | None) -> Change:
    return Change("gold", gold.id, gold.sentence_id, editor_id, old, _audit_snapshot(gold))


def bulk_accept_unanimous(
    session: Session, *, editor_id: int, min_reviewers: int = 2, limit: int = BULK_LIMIT
) -> int:
    """Make the shared label gold for up to ``limit`` unanimous sentences; return how many.

    ``unanimous_remaining`` then says how many are left for the next click.
    """
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    if min_reviewers < 2:
        raise InputError("bulk accept needs at least 2 reviewers per sentence to be unanimous")
    picked = queue.unanimous_open(session, min_reviewers=min_reviewers, limit=limit)
    in_force = current_version(session)
    given = queue.reviewer_evidence(session, sentence_ids=[row[0] for row in picked])
    rows = []
    for sentence_id, label, reviewers in picked:
        row = GoldLabel(
            sentence_id=sentence_id,
            label=label,
            rationale=f"unanimous: all {reviewers} reviewers chose {label}",
            editor_id=editor_id,
            guideline_version=in_force,
        )
        # The reviewers' evidence becomes the gold label's, so it is as complete as theirs.
        store_evidence(row, _merged(given[sentence_id]))
        rows.append(row)
    session.add_all(rows)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "another editor adjudicated some of these sentences meanwhile; "
            "nothing was accepted: try again"
        ) from exc
    append_audit(session, [_change(row, editor_id=editor_id, old=None) for row in rows])
    return len(rows)


def _merged(encoded: Sequence[str]) -> list[Evidence]:
    """The evidence items of several labels in order, each distinct item once."""
    seen: set[tuple[str, str, str, str | None]] = set()
    merged = []
    for items in encoded:
        for item in decode_evidence(items):
            key = (item.url, item.quote, item.stance, item.sentence_ref)
            if key not in seen:
                seen.add(key)
                merged.append(item)
    return merged


def unanimous_remaining(session: Session, *, editor_id: int, min_reviewers: int = 2) -> int:
    """How many unanimous sentences a bulk accept would still take (editors only)."""
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    return queue.count_unanimous_open(session, min_reviewers=min_reviewers)


def _item(row: queue.QueueRow, given: dict[str, str]) -> QueueItem:
    return QueueItem(
        sentence_id=row.sentence_id,
        article_id=row.article_id,
        index=row.index,
        text=row.text,
        labels=given,
        top_share=row.share,
        adjudicated=row.adjudicated,
        key=row.key,
        counts=dict(zip(LABELS, row.counts, strict=True)),
    )


def parse_pair(text: str | None) -> tuple[str, str] | None:
    """A label pair such as ``"verified vs disputed"`` (None or "" for any), or InputError."""
    if not text:
        return None
    first, sep, second = text.partition(" vs ")
    if not sep or first not in LABELS or second not in LABELS or first == second:
        raise InputError(f"not a pair of two different labels: {text!r}")
    return first, second


def label_pairs() -> list[str]:
    """Every pair of two different labels as the queue's filter names them."""
    return [f"{a} vs {b}" for i, a in enumerate(LABELS) for b in LABELS[i + 1 :]]


def queue_page(
    session: Session,
    *,
    editor_id: int,
    include_adjudicated: bool = False,
    article_id: str | None = None,
    pair: tuple[str, str] | None = None,
    after: queue.QueueKey | None = None,
    limit: int = PAGE_SIZE,
) -> QueuePage:
    """One page of the disagreement queue after ``after``, most contested first (editors only)."""
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    if article_id is not None and session.get(Article, article_id) is None:
        raise NotFoundError(f"no article with id {article_id!r}")
    rows = queue.queue_rows(
        session,
        include_adjudicated=include_adjudicated,
        article_id=article_id,
        pair=pair,
        after=after,
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    given = queue.reviewer_labels(session, sentence_ids=[row.sentence_id for row in rows])
    items = [_item(row, given[row.sentence_id]) for row in rows]
    total = queue.queue_total(
        session, include_adjudicated=include_adjudicated, article_id=article_id, pair=pair
    )
    return QueuePage(items, total, items[-1].key if more else None)


def queue_entry(session: Session, *, editor_id: int, sentence_id: int) -> QueueItem | None:
    """The queue entry of one contested sentence, settled or not (editors only)."""
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    row = queue.queue_row(session, sentence_id=sentence_id)
    if row is None:
        return None
    given = queue.reviewer_labels(session, sentence_ids=[sentence_id])
    return _item(row, given[sentence_id])


def disagreement_queue(
    session: Session, *, editor_id: int, include_adjudicated: bool = False
) -> list[QueueItem]:
    """The first page of sentences whose reviewers disagree, most contested first (editors only)."""
    return queue_page(session, editor_id=editor_id, include_adjudicated=include_adjudicated).items
