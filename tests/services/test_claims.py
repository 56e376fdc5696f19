"""Scoring and linking at ingest, retraining the scorer, citing a linked sentence."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.claims import RelatedSentence, related_sentences
from workbench.db.engine import Database
from workbench.db.models import AuditEntry, ClaimLink, ScorerModel, Sentence
from workbench.domain.articles import ArticleDraft
from workbench.domain.checkworthiness_model import MODEL_FORMAT, load_model, predict_scores
from workbench.domain.claim_links import LINKS_PER_SENTENCE
from workbench.domain.labels import Evidence
from workbench.errors import InputError, PermissionDeniedError
from workbench.services import related_claims, scorer_training
from workbench.services.adjudicate import adjudicate
from workbench.services.articles import store_article
from workbench.services.linking import link_articles
from workbench.services.reviewer_labels import record_label
from workbench.services.sentence_edits import mark_boilerplate

PAHALGAM_13 = ("002_106eb614b3e40071", 22)
PAHALGAM_26 = "003_12a4aa04524d7b45:8"


def _related(session: Session, article_id: str, index: int) -> list[RelatedSentence]:
    """The linked sentences the annotate panel lists beside ``article_id:index``."""
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    assert sentence is not None
    return related_sentences(session, sentence_id=sentence.id)


def _ref_key(ref: str) -> tuple[str, int]:
    article, _, index = ref.rpartition(":")
    return article, int(index)


def test_ingest_scores_every_sentence_with_reasons(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        sentences = list(session.scalars(select(Sentence)))
    assert len(sentences) > 100
    assert all(0.0 <= s.checkworthiness <= 1.0 for s in sentences)
    claim = next(s for s in sentences if (s.article_id, s.index) == PAHALGAM_13)
    assert claim.checkworthiness >= 0.8
    assert "figures or quantities (2)" in claim.check_reasons
    comments = next(s for s in sentences if s.text == "Comments")
    assert comments.checkworthiness < 0.1 and "very short" in comments.check_reasons


def test_ingest_links_the_new_article_to_the_corpus(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        listing = related_claims.links_listing(session)
        ids = {s.id: (s.article_id, s.index) for s in session.scalars(select(Sentence))}
        stored = list(session.scalars(select(ClaimLink)))
    assert len(listing) == len(stored) > 40
    assert all(ids[link.a_sentence_id][0] < ids[link.b_sentence_id][0] for link in stored)
    keys = [(str(link["a"]), str(link["b"])) for link in listing]
    assert keys == sorted(keys, key=lambda k: (_ref_key(k[0]), _ref_key(k[1])))
    pahalgam = next(
        link
        for link in listing
        if link["a"] == "002_106eb614b3e40071:22" and link["b"] == PAHALGAM_26
    )
    assert pahalgam["conflict"] is True and pahalgam["reason"] == "13 vs 26 killed"
    assert set(pahalgam) == {"a", "b", "a_text", "b_text", "similarity", "conflict", "reason"}


def test_new_links_displace_only_links_of_full_sentences(
    seeded_db: Database,
) -> None:
    with seeded_db.read() as session:
        before = {
            (link.a_sentence_id, link.b_sentence_id) for link in session.scalars(select(ClaimLink))
        }
    draft = ArticleDraft(
        id="zz_wire",
        title="Wire report",
        body="The April 22 Pahalgam terror attack killed 28 people, officials said on Friday.",
    )
    with seeded_db.write() as session:
        article = store_article(session, draft=draft)
        assert article is not None
    with seeded_db.read() as session:
        assert _related(session, "zz_wire", 0) == []
    assert link_articles(seeded_db, article_ids=["zz_wire"]) > 0
    with seeded_db.read() as session:
        related = _related(session, "zz_wire", 0)
        after = {
            (link.a_sentence_id, link.b_sentence_id) for link in session.scalars(select(ClaimLink))
        }
    wire = {s.id for s in article.sentences}
    added, dropped = after - before, before - after
    assert added and all(a in wire or b in wire for a, b in added)
    # A sentence at its cap of links gives up its weakest for a better one from the new article.
    new_ends = {key for pair in added for key in pair} - wire
    full = {key: sum(key in pair for pair in before) for key in new_ends}
    assert all(
        any(key in new_ends and full[key] == LINKS_PER_SENTENCE for key in pair) for pair in dropped
    )
    assert related and all(item.article_id != "zz_wire" for item in related)
    assert any(item.conflict and item.reason.endswith("vs 28 killed") for item in related)


def _adjudicate_sentences(db: Database, editor_id: int, count: int) -> None:
    """Gold-label the first ``count`` seed sentences: likely claims as claims, the rest not."""
    with db.write() as session:
        sentences = list(session.scalars(select(Sentence).order_by(Sentence.id).limit(count)))
        for sentence in sentences:
            label = "unsourced" if sentence.checkworthiness >= 0.5 else "not_a_claim"
            adjudicate(
                session, editor_id=editor_id, sentence_id=sentence.id, label=label, rationale="r"
            )


def test_retrain_refuses_without_enough_labels_and_writes_nothing(
    seeded_db: Database, make_user: Any
) -> None:
    admin = make_user("root", role="admin")
    _adjudicate_sentences(seeded_db, admin, 10)
    with pytest.raises(InputError, match="not enough labels to train: 10 labeled sentences"):
        scorer_training.retrain_scorer(seeded_db, actor_id=admin)
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(ScorerModel)) == 0
        assert scorer_training.scorer_status(session).name == "rules"


def test_gold_labels_on_boilerplate_neither_count_nor_train(
    seeded_db: Database, make_user: Any
) -> None:
    admin = make_user("root", role="admin")
    _adjudicate_sentences(seeded_db, admin, 10)
    with seeded_db.write() as session:
        first = session.scalars(select(Sentence).order_by(Sentence.id).limit(1)).one()
        mark_boilerplate(session, actor_id=admin, article_id=first.article_id, index=first.index)
    with seeded_db.read() as session:
        assert scorer_training.scorer_status(session).usable_labels == 9
        assert len(scorer_training._training_set(session)[0]) == 9
        assert first.text not in scorer_training._training_set(session)[0]


def test_retrain_is_for_admins(seeded_db: Database, make_user: Any) -> None:
    reviewer = make_user("rita")
    with pytest.raises(PermissionDeniedError, match="needs the admin role"):
        scorer_training.retrain_scorer(seeded_db, actor_id=reviewer)


@pytest.mark.slow
def test_retrain_makes_the_model_active_and_rescores(seeded_db: Database, make_user: Any) -> None:
    admin = make_user("root", role="admin")
    _adjudicate_sentences(seeded_db, admin, 45)
    with seeded_db.read() as session:
        status = scorer_training.scorer_status(session)
        before = {
            row[0]: row[1] for row in session.execute(select(Sentence.id, Sentence.checkworthiness))
        }
    assert (
        status.name == "rules"
        and status.usable_labels == 45
        and scorer_training.can_retrain(status)
    )
    report = scorer_training.retrain_scorer(seeded_db, actor_id=admin)
    assert report.trained_on == 45 and report.rescored == len(before)
    with seeded_db.read() as session:
        active = scorer_training.scorer_status(session).description
        after = {
            row[0]: row[1] for row in session.execute(select(Sentence.id, Sentence.checkworthiness))
        }
        stored = session.scalars(select(ScorerModel)).one()
        payload = stored.payload
        reasons = session.scalars(
            select(Sentence.check_reasons).where(Sentence.text == "Comments")
        ).one()
    assert active.startswith("model trained on 45 labels at ")
    assert stored.trained_on == 45 and stored.metrics["claims"] == report.metrics["claims"]
    assert stored.format == MODEL_FORMAT and payload.startswith(b'{"format":')
    assert after != before and all(0.0 <= v <= 1.0 for v in after.values())
    assert "very short" in reasons
    draft = ArticleDraft(id="zz_new", title="New", body="Officials said 9 soldiers died on May 3.")
    with seeded_db.write() as session:
        article = store_article(session, draft=draft)
        assert article is not None
        scored = article.sentences[0].checkworthiness
    expected = predict_scores(load_model(payload), [draft.body])
    assert [scored] == expected


def test_cite_a_linked_sentence_appends_to_the_reviewers_evidence(
    seeded_db: Database, make_user: Any
) -> None:
    rita = make_user("rita")
    article, index = PAHALGAM_13
    with seeded_db.write() as session:
        with pytest.raises(InputError, match="label this sentence before citing"):
            related_claims.cite_related(
                session, user_id=rita, article_id=article, index=index, ref=PAHALGAM_26
            )
    existing = Evidence(url="https://example.org/report", quote="13 killed", stance="refutes")
    with seeded_db.write() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        record_label(
            session,
            user_id=rita,
            sentence_id=sentence.id,
            label="disputed",
            note="figures differ",
            evidence=[existing],
            claim="The attack killed 13",
        )
    with seeded_db.write() as session:
        assert related_claims.cite_related(
            session, user_id=rita, article_id=article, index=index, ref=PAHALGAM_26
        )
    with seeded_db.write() as session:
        assert not related_claims.cite_related(
            session, user_id=rita, article_id=article, index=index, ref=PAHALGAM_26
        )
        with pytest.raises(InputError, match="is not linked to"):
            related_claims.cite_related(
                session,
                user_id=rita,
                article_id=article,
                index=index,
                ref="001_905ae90385d1da76:37",
            )
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sentence.id, user_id=rita)
        panel = related_claims.related_panel(session, user_id=rita, article_id=article, index=index)
        audits = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.sentence_id == sentence.id)
        )
    assert (
        annotation is not None
        and annotation.label == "disputed"
        and annotation.note == "figures differ"
        and annotation.claim_text == "The attack killed 13"  # citing keeps the claim as checked
    )
    assert [e.sentence_ref for e in annotation.evidence] == [None, PAHALGAM_26]
    cited = annotation.evidence[1]
    assert cited.stance == "context" and cited.url == "" and "claimed 26 lives" in cited.quote
    assert cited.note.endswith("conflict: 13 vs 26 killed")
    assert panel.label == "disputed" and panel.cited == frozenset({PAHALGAM_26})
    assert audits == 2


def test_a_link_is_listed_from_both_of_its_sentences(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        from_a = {item.ref for item in _related(session, *PAHALGAM_13)}
        from_b = {item.ref for item in _related(session, "003_12a4aa04524d7b45", 8)}
    assert PAHALGAM_26 in from_a and "002_106eb614b3e40071:22" in from_b


@pytest.mark.parametrize(
    ("gold", "expected"),
    [("verified", True), ("disputed", True), ("unsourced", True), ("not_a_claim", False)],
)
def test_training_label_is_the_gold_label_claim_or_not(gold: str, expected: bool) -> None:
    assert scorer_training.training_label(gold) is expected


def test_related_lists_conflicts_first_then_by_similarity(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        related = _related(session, *PAHALGAM_13)
    flags = [item.conflict for item in related]
    assert flags[0] and flags == sorted(flags, reverse=True)
    for group in (True, False):
        sims = [item.similarity for item in related if item.conflict is group]
        assert sims == sorted(sims, reverse=True)
    assert {item.ref for item in related if item.conflict} >= {PAHALGAM_26}
