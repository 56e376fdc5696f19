"""Fixing an article's sentences: merge one with the next, split one, flag one as boilerplate.

Each edit is one transaction: the sentences, the indexes of the later sentences (ids stay
``<article>:<index>`` in reading order, so they are renumbered), the labels on the changed
sentences, evidence citing the renumbered sentences, the link index and the label counts
change together, and every change is audited. Labels on untouched sentences keep their rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from workbench.db import drafts
from workbench.db import sentence_edits as edits
from workbench.db.audit import Change, Entity, append_audit
from workbench.db.engine import Database
from workbench.db.evidence import evidence_of
from workbench.db.link_index import index_sentences
from workbench.db.models import Annotation, Article, GoldLabel, Sentence
from workbench.domain.labels import Role, gold_snapshot, label_snapshot
from workbench.domain.sentence_edits import (
    Piece,
    index_after_merge,
    index_after_split,
    merge_reason,
    merged_piece,
    plan_merge,
    sentence_ref,
    split_pieces,
    split_reason,
)
from workbench.errors import InputError, NotFoundError
from workbench.services import claim_scoring
from workbench.services.permissions import require_role


class KeepLabels(StrEnum):
    """Where the labels of a split sentence go."""

    NONE = "none"  # to the audit trail: the text they judged is no longer one sentence
    FIRST = "first"
    SECOND = "second"


@dataclass(frozen=True, slots=True)
class EditReport:
    """What one edit did to an article's sentences and labels."""

    article_id: str
    index: int  # the sentence edited (the first of a merged pair)
    kept: int = 0  # labels that stayed on the surviving sentence
    moved: int = 0  # labels moved to another sentence
    removed: int = 0  # labels taken off, kept in the audit trail with a note
    renumbered: int = 0  # later sentences whose index changed
    references: int = 0  # evidence items citing a renumbered sentence, rewritten
    changed: bool = True  # False when the sentence already was as asked

    @property
    def ref(self) -> str:
        """The edited sentence's id, ``<article>:<index>``."""
        return sentence_ref(self.article_id, self.index)


def _check_actor(session: Session, actor_id: int | None) -> None:
    """Editors and admins only; ``actor_id`` None is the command line (the database's owner)."""
    if actor_id is not None:
        require_role(session, user_id=actor_id, role=Role.EDITOR)


def _locked(
    session: Session, article_id: str, indexes: list[int]
) -> tuple[Article, dict[int, Sentence]]:
    article = edits.lock_article(session, article_id=article_id)
    if article is None:
        raise NotFoundError(f"no article {article_id!r}")
    rows = edits.lock_sentences_at(session, article_id=article_id, indexes=indexes)
    if indexes[0] not in rows:
        raise NotFoundError(f"no sentence {sentence_ref(article_id, indexes[0])}")
    return article, rows


def _piece(sentence: Sentence) -> Piece:
    return Piece(sentence.start, sentence.end, sentence.text)


def _state(sentence: Sentence) -> dict[str, Any]:
    return {
        "sentence": sentence_ref(sentence.article_id, sentence.index),
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
        "boilerplate": sentence.boilerplate,
    }


def _label_state(owner: Annotation | GoldLabel) -> dict[str, Any]:
    if isinstance(owner, Annotation):
        return label_snapshot(owner.label, owner.note, evidence_of(owner), owner.claim_text)
    return gold_snapshot(
        owner.label, owner.rationale, owner.version, evidence_of(owner), owner.claim_text
    )


def _entity(owner: Annotation | GoldLabel) -> Entity:
    return "annotation" if isinstance(owner, Annotation) else "gold"


def _removed(owner: Annotation | GoldLabel, at: int, actor_id: int | None, reason: str) -> Change:
    """The audit row of a label taken off a changed sentence: its last state and why."""
    old = {**_label_state(owner), "reason": reason}
    return Change(_entity(owner), owner.id, at, actor_id, old, None)


def _moved(
    owner: Annotation | GoldLabel, to: int, refs: tuple[str, str], actor_id: int | None, reason: str
) -> Change:
    """The audit row of a label moved from sentence ``refs[0]`` to ``refs[1]`` (id ``to``)."""
    state = _label_state(owner)
    old, new = {**state, "sentence": refs[0]}, {**state, "sentence": refs[1], "reason": reason}
    return Change(_entity(owner), owner.id, to, actor_id, old, new)


def _rescore(session: Session, sentences: list[Sentence]) -> None:
    scores = claim_scoring.score_texts(
        [s.text for s in sentences], claim_scoring.active_model(session)
    )
    for sentence, (value, reasons) in zip(sentences, scores, strict=True):
        sentence.checkworthiness, sentence.check_reasons = value, reasons


def merge_sentences(
    session: Session, *, actor_id: int | None, article_id: str, index: int
) -> EditReport:
    """Merge sentence ``index`` of the article with the next one (editors and admins only).

    The merged sentence keeps the first one's row, so its labels stay. A label on the second
    moves to it unless its owner labeled the first too; then it goes to the audit trail.
    """
    _check_actor(session, actor_id)
    article, rows = _locked(session, article_id, [index, index + 1])
    if index + 1 not in rows:
        raise InputError(
            f"sentence {sentence_ref(article_id, index)} is the last of the article: "
            "there is no next sentence to merge it with"
        )
    first, second = rows[index], rows[index + 1]
    if first.boilerplate != second.boilerplate:
        raise InputError(
            f"sentence {sentence_ref(article_id, index + int(second.boilerplate))} is marked "
            "as boilerplate and the other is not: mark both or neither before merging"
        )
    merged = merged_piece(article.body, _piece(first), _piece(second))
    refs = (sentence_ref(article_id, index + 1), sentence_ref(article_id, index))
    before = [_state(first), _state(second)]
    audit: list[Change] = []
    moved = removed = 0
    owners = edits.labels_on(session, sentence_ids=[first.id, second.id])
    golds = edits.gold_on(session, sentence_ids=[first.id, second.id])
    groups: tuple[list[Annotation], list[GoldLabel]] = (owners, golds)
    for group in groups:
        mine = {_key(o): o for o in group if o.sentence_id == first.id}
        theirs = {_key(o): o for o in group if o.sentence_id == second.id}
        to_move, to_drop = plan_merge(list(mine), list(theirs))
        for key in to_move:
            audit.append(_moved(theirs[key], first.id, refs, actor_id, f"merged into {refs[1]}"))
            theirs[key].sentence_id = first.id
        for key in to_drop:
            reason = merge_reason(article_id, index, mine[key].label)
            audit.append(_removed(theirs[key], first.id, actor_id, reason))
            session.delete(theirs[key])
        moved += len(to_move)
        removed += len(to_drop)
    labelled: list[Annotation | GoldLabel] = [*owners, *golds]
    kept = sum(1 for owner in labelled if owner.sentence_id == first.id) - moved
    session.flush()
    # A moved gold label fires no PostgreSQL trigger (they watch its label only).
    edits.recount_labels(session, sentence_ids=[first.id, second.id])
    edits.unindex_sentences(session, sentence_ids=[first.id, second.id])
    drafts.carry_drafts(session, from_sentence=second.id, to_sentence=first.id)  # typed, unsaved
    session.delete(second)
    session.flush()
    first.end, first.text = merged.end, merged.text
    _rescore(session, [first])
    renumbered = edits.shift_indexes(session, article_id=article_id, after=index + 1, by=-1)
    references = edits.rewrite_references(
        session, article_id=article_id, renumber=lambda i: index_after_merge(i, index)
    )
    sentence = session.get(Sentence, first.id)
    assert sentence is not None
    if not sentence.boilerplate:
        index_sentences(session, sentences=[(sentence.id, sentence.text)])
    edits.mark_unlinked(session, article_id=article_id)
    note = f"merged {refs[0]} into {refs[1]}; {renumbered} later sentence(s) renumbered"
    after = {"sentences": [_state(sentence)], "reason": note}
    audit.append(Change("sentence", sentence.id, sentence.id, actor_id, {"sentences": before},
                        after, verb="merge"))  # fmt: skip
    append_audit(session, audit)
    return EditReport(article_id, index, kept, moved, removed, renumbered, references)


def _key(owner: Annotation | GoldLabel) -> int:
    """Whose label this is: the reviewer of a label; a sentence has one gold label."""
    return owner.user_id if isinstance(owner, Annotation) else 0


def split_sentence(
    session: Session,
    *,
    actor_id: int | None,
    article_id: str,
    index: int,
    at: int,
    keep: KeepLabels | str = KeepLabels.NONE,
) -> EditReport:
    """Split sentence ``index`` before its character ``at`` (editors and admins only).

    The first part keeps the row and index, the second becomes sentence ``index + 1``. The
    labels go where ``keep`` says: to the audit trail with a note (default), or onto a part.
    """
    _check_actor(session, actor_id)
    try:
        where = KeepLabels(keep)
    except ValueError as exc:
        raise InputError(f"keep must be none, first or second; got {keep!r}") from exc
    article, rows = _locked(session, article_id, [index])
    sentence = rows[index]
    head, tail = split_pieces(article.body, _piece(sentence), at)
    ref = sentence_ref(article_id, index)
    before = [_state(sentence)]
    labelled: list[Annotation | GoldLabel] = [
        *edits.labels_on(session, sentence_ids=[sentence.id]),
        *edits.gold_on(session, sentence_ids=[sentence.id]),
    ]
    before_id = sentence.id
    edits.unindex_sentences(session, sentence_ids=[sentence.id])
    renumbered = edits.shift_indexes(session, article_id=article_id, after=index, by=1)
    sentence.end, sentence.text = head.end, head.text
    second = Sentence(
        article_id=article_id,
        index=index + 1,
        start=tail.start,
        end=tail.end,
        text=tail.text,
        boilerplate=sentence.boilerplate,
    )
    session.add(second)
    _rescore(session, [sentence, second])
    session.flush()
    audit: list[Change] = []
    kept = moved = removed = 0
    for owner in labelled:
        if where is KeepLabels.FIRST:
            kept += 1
        elif where is KeepLabels.SECOND:
            refs = (ref, sentence_ref(article_id, index + 1))
            audit.append(_moved(owner, second.id, refs, actor_id, f"{ref} split at {at}"))
            owner.sentence_id = second.id
            moved += 1
        else:
            audit.append(_removed(owner, before_id, actor_id, split_reason(article_id, index, at)))
            session.delete(owner)
            removed += 1
    session.flush()
    edits.recount_labels(session, sentence_ids=[before_id, second.id])
    references = edits.rewrite_references(
        session, article_id=article_id, renumber=lambda i: index_after_split(i, index)
    )
    if not sentence.boilerplate:
        parts = [(sentence.id, sentence.text), (second.id, second.text)]
        index_sentences(session, sentences=parts)
    edits.mark_unlinked(session, article_id=article_id)
    note = f"split {ref} at character {at}; {renumbered} later sentence(s) renumbered"
    after = {"sentences": [_state(sentence), _state(second)], "reason": note, "keep": where.value}
    audit.append(Change("sentence", before_id, before_id, actor_id, {"sentences": before},
                        after, verb="split"))  # fmt: skip
    append_audit(session, audit)
    return EditReport(article_id, index, kept, moved, removed, renumbered, references)


def mark_boilerplate(
    session: Session, *, actor_id: int | None, article_id: str, index: int, on: bool = True
) -> EditReport:
    """Flag sentence ``index`` as boilerplate (``on``) or clear the flag (editors and admins).

    Its labels stay; while flagged they count toward no progress, agreement or gold label, and
    the sentence has no claim links (``relink_article`` links it again once cleared).
    """
    _check_actor(session, actor_id)
    _article, rows = _locked(session, article_id, [index])
    sentence = rows[index]
    if sentence.boilerplate == on:
        return EditReport(article_id, index, changed=False)
    sentence.boilerplate = on
    session.flush()
    edits.recount_labels(session, sentence_ids=[sentence.id])
    # The linker skips boilerplate: out of the link index (and its links) while flagged.
    if on:
        edits.unindex_sentences(session, sentence_ids=[sentence.id])
    else:
        index_sentences(session, sentences=[(sentence.id, sentence.text)])
        edits.mark_unlinked(session, article_id=article_id)
    reason = "marked as boilerplate: not to be labeled" if on else "boilerplate flag cleared"
    old, new = {"boilerplate": not on}, {"boilerplate": on, "reason": reason}
    append_audit(session, [Change("sentence", sentence.id, sentence.id, actor_id, old, new)])
    return EditReport(article_id, index)


def relink_article(db: Database, *, article_id: str) -> int:
    """Recompute the claim links of an edited article (after its edit has committed).

    Takes the ``Database``: linking runs its own short transactions (see ``link_articles``).
    """
    from workbench.services.linking import link_articles

    return link_articles(db, article_ids=[article_id])
