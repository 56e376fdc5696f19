"""Claims linked across articles: the links listing and the "also reported in" panel.

Links are computed by ``workbench.services.linking``; here they are listed, shown next to a
sentence with the reviewer's own label, and cited as context evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db import queries
from workbench.db.claims import RelatedSentence
from workbench.db.evidence import evidence_of
from workbench.domain.labels import (
    MAX_QUOTE_LENGTH,
    NO_EVIDENCE,
    Evidence,
    parse_sentence_ref,
    takes_evidence,
)
from workbench.errors import InputError, NotFoundError
from workbench.services.reviewer_labels import add_evidence


@dataclass(frozen=True, slots=True)
class RelatedPanel:
    """What the "also reported in" panel shows one reviewer for one sentence."""

    related: list[RelatedSentence]
    label: str | None
    cited: frozenset[str]


def links_listing(session: Session) -> list[dict[str, object]]:
    """Every cross-article link as ``workbench links --json`` prints it, sorted.

    A link scored by the link model also has ``score``; one made without a model has the
    DESIGN.md keys only.
    """
    return [
        {
            "a": row.a,
            "b": row.b,
            "a_text": row.a_text,
            "b_text": row.b_text,
            "similarity": row.similarity,
            "conflict": row.conflict,
            "reason": row.reason,
            **({} if row.score is None else {"score": row.score}),
        }
        for row in claim_queries.all_links(session)
    ]


def related_panel(session: Session, *, user_id: int, article_id: str, index: int) -> RelatedPanel:
    """Linked sentences plus this reviewer's own label and the references it already cites."""
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    annotation = queries.annotation_for(session, sentence_id=sentence.id, user_id=user_id)
    cited = frozenset(
        item.sentence_ref
        for item in (evidence_of(annotation) if annotation else ())
        if item.sentence_ref
    )
    return RelatedPanel(
        claim_queries.related_sentences(session, sentence_id=sentence.id),
        annotation.label if annotation else None,
        cited,
    )


def cite_related(session: Session, *, user_id: int, article_id: str, index: int, ref: str) -> bool:
    """Cite a linked sentence as context evidence for this reviewer's label; False if cited."""
    ref = parse_sentence_ref(ref)
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    linked = {
        item.ref: item for item in claim_queries.related_sentences(session, sentence_id=sentence.id)
    }
    if ref not in linked:
        raise InputError(f"{ref} is not linked to {article_id}:{index}")
    annotation = queries.annotation_for(session, sentence_id=sentence.id, user_id=user_id)
    if annotation is None:
        raise InputError("label this sentence before citing evidence for it")
    if not takes_evidence(annotation.label):
        raise InputError(NO_EVIDENCE)
    current = evidence_of(annotation)
    if any(item.sentence_ref == ref for item in current):
        return False
    related = linked[ref]
    note = f"also reported in {related.outlet or related.article_title or related.article_id}"
    if related.conflict:
        note += f"; conflict: {related.reason}"
    quote = related.text[:MAX_QUOTE_LENGTH]
    cited = Evidence(url="", quote=quote, stance="context", note=note, sentence_ref=ref)
    add_evidence(session, user_id=user_id, sentence_id=sentence.id, item=cited)
    return True
