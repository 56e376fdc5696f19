"""Claim intelligence: score sentences, link claims across articles, retrain the scorer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db import queries
from workbench.db.claims import LabeledSentence, RelatedSentence
from workbench.db.models import Article, Sentence
from workbench.domain.checkworthiness import score_sentence
from workbench.domain.checkworthiness_model import (
    MIN_LABELS,
    dump_model,
    load_model,
    predict_scores,
    train_scorer,
)
from workbench.domain.labels import (
    CLAIM_LABELS,
    MAX_QUOTE_LENGTH,
    Evidence,
    Label,
    Role,
    parse_sentence_ref,
)
from workbench.errors import InputError, NotFoundError
from workbench.services.annotate import record_label
from workbench.services.permissions import require_role

RULES = "rules"


@dataclass(frozen=True, slots=True)
class ScorerStatus:
    """Which check-worthiness scorer ranks sentences, and how many labels could train one."""

    name: str
    description: str
    trained_on: int | None
    trained_at: datetime | None
    metrics: dict[str, object]
    usable_labels: int


@dataclass(frozen=True, slots=True)
class RelatedPanel:
    """What the "also reported in" panel shows one reviewer for one sentence."""

    related: list[RelatedSentence]
    label: str | None
    cited: frozenset[str]


@dataclass(frozen=True, slots=True)
class RetrainReport:
    """What a retrain did: the labels it learned from, its metrics, the sentences rescored."""

    trained_on: int
    metrics: dict[str, object]
    rescored: int


@lru_cache(maxsize=4)
def _cached_model(model_id: int, payload: bytes) -> Any:
    return load_model(payload)


def active_model(session: Session) -> Any | None:
    """The learned scorer that ranks sentences, or None while the rules do."""
    scorer = claim_queries.latest_scorer(session)
    return None if scorer is None else _cached_model(scorer.id, scorer.payload)


def score_texts(texts: list[str], model: Any | None) -> list[tuple[float, list[str]]]:
    """Score and rule reasons of each sentence: the model's score once there is one."""
    rules = [score_sentence(text) for text in texts]
    values = [r.score for r in rules] if model is None else predict_scores(model, texts)
    return [(value, list(rule.reasons)) for rule, value in zip(rules, values, strict=True)]


def _score(session: Session, sentences: list[Sentence]) -> None:
    """Rule reasons always; the score from the learned model once there is one."""
    scored = score_texts([s.text for s in sentences], active_model(session))
    for sentence, (value, reasons) in zip(sentences, scored, strict=True):
        sentence.checkworthiness = value
        sentence.check_reasons = reasons


def score_article(session: Session, article: Article) -> None:
    """Score a just-stored article's sentences (cheap: runs inside the file's transaction)."""
    _score(session, list(article.sentences))


def score_articles(session: Session, article_ids: list[str]) -> int:
    """Score (again) every sentence of these articles; return how many were scored."""
    sentences = claim_queries.sentences_of(session, article_ids=article_ids)
    _score(session, sentences)
    return len(sentences)


def training_label(item: LabeledSentence) -> bool | None:
    """Claim or not: the adjudicated label, else the reviewers' majority; None on an even split."""
    if item.gold is not None:
        return item.gold != Label.NOT_A_CLAIM
    votes = Counter(label in CLAIM_LABELS for label in item.labels)
    if votes[True] == votes[False]:
        return None
    return votes[True] > votes[False]


def _training_set(session: Session, *, with_text: bool = True) -> tuple[list[str], list[bool]]:
    texts: list[str] = []
    labels: list[bool] = []
    for item in claim_queries.labeled_sentences(session, with_text=with_text):
        label = training_label(item)
        if label is not None:
            texts.append(item.text)
            labels.append(label)
    return texts, labels


def retrain_scorer(session: Session, *, actor_id: int | None) -> RetrainReport:
    """Train the scorer on the team's labels, make it active and rescore every sentence.

    ``actor_id`` is the signed-in account (must be an admin); None means the command line,
    whose operator already holds the database.
    """
    if actor_id is not None:
        require_role(session, user_id=actor_id, role=Role.ADMIN)
    texts, labels = _training_set(session)
    trained = train_scorer(texts, labels)
    claim_queries.add_scorer(
        session,
        trained_on=trained.trained_on,
        metrics=trained.metrics,
        payload=dump_model(trained.model),
    )
    ids_texts = claim_queries.sentence_texts(session)
    values = predict_scores(trained.model, [text for _, text in ids_texts])
    claim_queries.set_score_values(
        session, scores={key: value for (key, _), value in zip(ids_texts, values, strict=True)}
    )
    return RetrainReport(trained.trained_on, trained.metrics, len(ids_texts))


def scorer_status(session: Session) -> ScorerStatus:
    """The active scorer ("rules" or the newest trained model) and the labels available."""
    _, labels = _training_set(session, with_text=False)
    scorer = claim_queries.latest_scorer(session)
    if scorer is None:
        return ScorerStatus(
            RULES,
            "rules (cues: figures, dates, quotes, names; opinion lowers)",
            None,
            None,
            {},
            len(labels),
        )
    when = scorer.created_at.strftime("%Y-%m-%d %H:%M UTC")
    return ScorerStatus(
        "model",
        f"model trained on {scorer.trained_on} labels at {when}",
        scorer.trained_on,
        scorer.created_at,
        dict(scorer.metrics),
        len(labels),
    )


def active_scorer(session: Session) -> str:
    """ "rules" or "model trained on N labels at T": what ranks sentences right now."""
    status = scorer_status(session)
    return RULES if status.name == RULES else status.description


def can_retrain(status: ScorerStatus) -> bool:
    """Whether enough labels exist to try training (both classes are checked on retrain)."""
    return status.usable_labels >= MIN_LABELS


def links_listing(session: Session) -> list[dict[str, object]]:
    """Every cross-article link in DESIGN.md's ``links --json`` format, sorted."""
    return [
        {
            "a": row.a,
            "b": row.b,
            "a_text": row.a_text,
            "b_text": row.b_text,
            "similarity": row.similarity,
            "conflict": row.conflict,
            "reason": row.reason,
        }
        for row in claim_queries.all_links(session)
    ]


def related_for(session: Session, *, article_id: str, index: int) -> list[RelatedSentence]:
    """Sentences of other articles that report the claim of ``article_id:index``."""
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    return claim_queries.related_sentences(session, sentence_id=sentence.id)


def related_panel(session: Session, *, user_id: int, article_id: str, index: int) -> RelatedPanel:
    """Linked sentences plus this reviewer's own label and the references it already cites."""
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    annotation = queries.annotation_for(session, sentence_id=sentence.id, user_id=user_id)
    cited = frozenset(
        item.sentence_ref
        for item in (annotation.evidence if annotation else [])
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
    if annotation.label == Label.NOT_A_CLAIM:
        raise InputError("a 'not_a_claim' label takes no evidence")
    current = [
        Evidence(
            url=e.url, quote=e.quote, stance=e.stance, note=e.note, sentence_ref=e.sentence_ref
        )
        for e in annotation.evidence
    ]
    if any(item.sentence_ref == ref for item in current):
        return False
    related = linked[ref]
    note = f"also reported in {related.outlet or related.article_title or related.article_id}"
    if related.conflict:
        note += f"; conflict: {related.reason}"
    quote = related.text[:MAX_QUOTE_LENGTH]
    cited = Evidence(url="", quote=quote, stance="context", note=note, sentence_ref=ref)
    record_label(
        session,
        user_id=user_id,
        sentence_id=sentence.id,
        label=annotation.label,
        note=annotation.note,
        evidence=[*current, cited],
    )
    return True
