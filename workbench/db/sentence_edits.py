"""Writes behind merging, splitting and flagging sentences, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from workbench.db.link_index import LinkTerm, SentenceTerm
from workbench.db.models import Annotation, Article, ClaimLink, EvidenceItem, GoldLabel, Sentence
from workbench.domain.labels import decode_evidence, encode_evidence
from workbench.domain.sentence_edits import ref_index, sentence_ref


def lock_article(session: Session, *, article_id: str) -> Article | None:
    """The article row, locked until commit so two edits of one article run one after the other.

    ``FOR UPDATE`` on PostgreSQL; on SQLite the write transaction holds the database's lock.
    """
    return session.scalar(select(Article).where(Article.id == article_id).with_for_update())


def lock_sentences_at(
    session: Session, *, article_id: str, indexes: Sequence[int]
) -> dict[int, Sentence]:
    """The article's sentences at these indexes, locked, by index (missing ones absent)."""
    rows = session.scalars(
        select(Sentence)
        .where(Sentence.article_id == article_id, Sentence.index.in_(list(indexes)))
        .order_by(Sentence.index)
        .with_for_update()
    )
    return {row.index: row for row in rows}


def labels_on(session: Session, *, sentence_ids: Sequence[int]) -> list[Annotation]:
    """Every reviewer label on these sentences with its evidence, locked, by sentence then owner."""
    return list(
        session.scalars(
            select(Annotation)
            .where(Annotation.sentence_id.in_(list(sentence_ids)))
            .options(selectinload(Annotation.evidence))
            .order_by(Annotation.sentence_id, Annotation.user_id)
            .with_for_update()
        )
    )


def gold_on(session: Session, *, sentence_ids: Sequence[int]) -> list[GoldLabel]:
    """The gold labels of these sentences with their evidence, locked, by sentence."""
    return list(
        session.scalars(
            select(GoldLabel)
            .where(GoldLabel.sentence_id.in_(list(sentence_ids)))
            .options(selectinload(GoldLabel.evidence))
            .order_by(GoldLabel.sentence_id)
            .with_for_update()
        )
    )


def shift_indexes(session: Session, *, article_id: str, after: int, by: int) -> int:
    """Add ``by`` to the index of every sentence of the article after ``after``; return how many.

    Two steps through negative indexes, so no intermediate state breaks the unique
    (article, index) constraint, which PostgreSQL checks row by row.
    """
    session.flush()  # pending changes first: the expiry below would discard them
    later = (Sentence.article_id == article_id) & (Sentence.index > after)
    moved = session.scalar(select(func.count(Sentence.id)).where(later)) or 0
    session.execute(
        update(Sentence).where(later).values(index=-Sentence.index - 1),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Sentence)
        .where(Sentence.article_id == article_id, Sentence.index < 0)
        .values(index=-Sentence.index - 1 + by),
        execution_options={"synchronize_session": False},
    )
    session.expire_all()
    return moved


def rewrite_references(session: Session, *, article_id: str, renumber: Callable[[int], int]) -> int:
    """Point evidence that cites a sentence of the article at its new index; return items changed.

    The items are found by a range scan of their indexed ``sentence_ref`` (``:`` is followed
    by ``;`` in code point order); each owner's ``evidence_json`` is rewritten to match.
    """
    items = session.scalars(
        select(EvidenceItem).where(
            EvidenceItem.sentence_ref >= f"{article_id}:",
            EvidenceItem.sentence_ref < f"{article_id};",
        )
    ).all()
    changed = 0
    annotations: set[int] = set()
    golds: set[int] = set()
    for item in items:
        index = ref_index(item.sentence_ref or "", article_id)
        if index is None or renumber(index) == index:
            continue
        item.sentence_ref = sentence_ref(article_id, renumber(index))
        changed += 1
        if item.annotation_id is not None:
            annotations.add(item.annotation_id)
        if item.gold_label_id is not None:
            golds.add(item.gold_label_id)
    owners: list[tuple[type[Annotation] | type[GoldLabel], set[int]]] = [
        (Annotation, annotations),
        (GoldLabel, golds),
    ]
    for model, ids in owners:
        for owner_id, stored in session.execute(
            select(model.id, model.evidence_json).where(model.id.in_(sorted(ids)))
        ).all():
            evidence = [
                replace(item, sentence_ref=_renumbered(item.sentence_ref, article_id, renumber))
                for item in decode_evidence(stored)
            ]
            session.execute(
                update(model)
                .where(model.id == owner_id)
                .values(evidence_json=encode_evidence(evidence)),
                execution_options={"synchronize_session": False},
            )
    session.flush()
    return changed


def _renumbered(ref: str | None, article_id: str, renumber: Callable[[int], int]) -> str | None:
    index = None if ref is None else ref_index(ref, article_id)
    return ref if index is None else sentence_ref(article_id, renumber(index))


def unindex_sentences(session: Session, *, sentence_ids: Sequence[int]) -> None:
    """Take these sentences out of the link index (postings and term counts) and drop their links.

    Their text changes: the index and the links were computed on the old text.
    """
    ids = list(sentence_ids)
    uses = session.execute(
        select(SentenceTerm.term_id, func.count())
        .where(SentenceTerm.sentence_id.in_(ids))
        .group_by(SentenceTerm.term_id)
        .order_by(SentenceTerm.term_id)
    ).all()
    for term_id, count in uses:  # in term order, as ``index_sentences`` raises them
        session.execute(
            update(LinkTerm)
            .where(LinkTerm.id == term_id)
            .values(sentences=LinkTerm.sentences - count),
            execution_options={"synchronize_session": False},
        )
    session.execute(delete(SentenceTerm).where(SentenceTerm.sentence_id.in_(ids)))
    session.execute(
        delete(ClaimLink).where(
            or_(ClaimLink.a_sentence_id.in_(ids), ClaimLink.b_sentence_id.in_(ids))
        )
    )


def mark_unlinked(session: Session, *, article_id: str) -> None:
    """Record that the article's links are owed again (``workbench relink`` computes them)."""
    session.execute(update(Article).where(Article.id == article_id).values(linked_at=None))


def recount_labels(session: Session, *, sentence_ids: Sequence[int]) -> None:
    """Make the ``sentence_label_counts`` rows of these sentences equal a recount.

    PostgreSQL: the triggers' own refresh function. SQLite: each label of the sentences is set
    to itself, which fires the triggers; they add, update or remove the row as the labels and
    the boilerplate flag now say (a sentence without labels has no row to fix there).
    """
    if session.get_bind().dialect.name == "postgresql":
        for sentence_id in sorted(sentence_ids):
            session.execute(
                text("SELECT sentence_label_counts_refresh(:target)"), {"target": sentence_id}
            )
        return
    ids = list(sentence_ids)
    session.execute(
        update(Annotation)
        .where(Annotation.sentence_id.in_(ids))
        .values(sentence_id=Annotation.sentence_id),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(GoldLabel).where(GoldLabel.sentence_id.in_(ids)).values(label=GoldLabel.label),
        execution_options={"synchronize_session": False},
    )
