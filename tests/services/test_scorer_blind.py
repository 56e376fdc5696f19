"""Blind models: scores a reviewer sees carry no open-round labels; retraining holds no lock.

The memorisation probe of issue 14: reviewers label random sentences claim / not_a_claim in a
round still open, an admin retrains, and the scores another reviewer is shown on those
sentences must say nothing about those labels.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.db.models import Sentence
from workbench.domain.articles import ArticleDraft
from workbench.domain.checkworthiness_model import predict_scores
from workbench.domain.labels import Role
from workbench.services import claim_scoring, scorer_training
from workbench.services.adjudicate import adjudicate
from workbench.services.articles import store_article
from workbench.services.assignments import assign_articles
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.article_text import build_article_text
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

GOLD = 40
PROBE = 70
SEED = 14


def _auc(scores: list[float], labels: list[bool]) -> float:
    """Area under the ROC curve (Mann-Whitney), ties counted half."""
    positives = [s for s, y in zip(scores, labels, strict=True) if y]
    negatives = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def _finished_round(db: Database, editor: int) -> set[str]:
    """Gold labels on the first GOLD sentences (the rules' verdict); their articles."""
    with db.write() as session:
        sentences = list(session.scalars(select(Sentence).order_by(Sentence.id).limit(GOLD)))
        for sentence in sentences:
            label = "unsourced" if sentence.checkworthiness >= 0.5 else "not_a_claim"
            adjudicate(
                session, editor_id=editor, sentence_id=sentence.id, label=label, rationale="r"
            )
    return {s.article_id for s in sentences}


def _open_round(db: Database, closed: set[str]) -> list[Sentence]:
    """PROBE random sentences of the other articles (whose round is still open)."""
    with db.read() as session:
        candidates = list(
            session.scalars(
                select(Sentence).where(Sentence.article_id.not_in(closed)).order_by(Sentence.id)
            )
        )
    return random.Random(SEED).sample(candidates, PROBE)


def _label(db: Database, reviewers: list[int], probe: list[Sentence], labels: list[bool]) -> None:
    with db.write() as session:
        for sentence, claim in zip(probe, labels, strict=True):
            for reviewer in reviewers:
                record_label(
                    session,
                    user_id=reviewer,
                    sentence_id=sentence.id,
                    label="unsourced" if claim else "not_a_claim",
                )


def _shown(db: Database, probe: list[Sentence]) -> list[float]:
    """The scores the annotate view shows (any reviewer) on the probe sentences."""
    scores: dict[int, float] = {}
    for article_id in sorted({s.article_id for s in probe}):
        article = build_article_text(db, article_id)
        assert article is not None
        scores.update({row.id: row.checkworthiness for row in article.sentences})
    return [scores[s.id] for s in probe]


@pytest.mark.slow
def test_scores_shown_carry_no_open_round_labels(seeded_db: Database, make_user: Any) -> None:
    admin = make_user("root", role="admin")
    rita, sam = make_user("rita"), make_user("sam")
    make_user("vic")
    closed = _finished_round(seeded_db, admin)
    probe = _open_round(seeded_db, closed)
    with seeded_db.write() as session:
        open_articles = sorted({s.article_id for s in probe})
        assign_articles(session, article_ids=open_articles, user_names=["rita", "sam", "vic"])
    coin = random.Random(SEED + 1)
    labels = [coin.random() < 0.5 for _ in probe]
    assert 25 <= sum(labels) <= PROBE - 25
    _label(seeded_db, [rita, sam], probe, labels)
    report = scorer_training.retrain_scorer(seeded_db, actor_id=admin)
    assert report.trained_on == GOLD
    shown = _shown(seeded_db, probe)
    auc = _auc(shown, labels)
    assert abs(auc - 0.5) < 0.15, f"AUC {auc:.3f} of the shown scores against the labels"
    # Stronger: the opposite labels in the open round give the very same scores.
    _label(seeded_db, [rita, sam], probe, [not claim for claim in labels])
    scorer_training.retrain_scorer(seeded_db, actor_id=admin)
    assert _shown(seeded_db, probe) == shown


SCRIPT = """
from workbench.ui import runtime
from workbench.ui.components.related import render_scorer_status

render_scorer_status(runtime.get_db(), runtime.current_user())
"""


@pytest.fixture
def status_view(
    seeded_db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[int, str, Role], list[str]]]:
    """Factory: the captions of the scorer status as one signed-in account sees them."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()

    def _captions(user_id: int, name: str, role: Role) -> list[str]:
        at = AppTest.from_string(SCRIPT, default_timeout=30)
        at.session_state["wb_user"] = SignedIn(user_id, name, role)
        at.run()
        assert not at.exception
        return [caption.value for caption in at.caption]

    yield _captions
    st.cache_resource.clear()


def test_training_count_is_for_admins_and_ignores_reviewer_labels(
    status_view: Any, seeded_db: Database, make_user: Any
) -> None:
    admin = make_user("root", role="admin")
    rita, sam = make_user("rita"), make_user("sam")
    _finished_round(seeded_db, admin)
    with seeded_db.read() as session:
        first, second, third = session.scalars(
            select(Sentence.id).order_by(Sentence.id.desc()).limit(3)
        ).all()
    with seeded_db.write() as session:
        record_label(session, user_id=sam, sentence_id=first, label="not_a_claim")
        record_label(session, user_id=sam, sentence_id=second, label="verified")
    admin_view = status_view(admin, "root", Role.ADMIN)
    reviewer_view = status_view(rita, "rita", Role.REVIEWER)
    assert admin_view == [
        "Likely claims ranked by "
        + escape_markdown("rules (cues: figures, dates, quotes, names; opinion lowers)")
        + f"; {GOLD} adjudicated sentence(s) available for training "
        f"({_gold_claims(seeded_db)} claims).",
        "New links are kept by their similarity alone (no link model trained yet).",
    ]
    assert reviewer_view == ["Likely claims ranked by rules."]
    # A reviewer's label on a sentence another called not_a_claim / a claim / nothing.
    for sentence_id, label in ((first, "verified"), (second, "not_a_claim"), (third, "disputed")):
        with seeded_db.write() as session:
            record_label(session, user_id=rita, sentence_id=sentence_id, label=label)
        assert status_view(admin, "root", Role.ADMIN) == admin_view
        assert status_view(rita, "rita", Role.REVIEWER) == reviewer_view


def _gold_claims(db: Database) -> int:
    with db.read() as session:
        return scorer_training.scorer_status(session).usable_claims


@pytest.mark.slow
def test_retrain_fits_and_scores_outside_write_transactions_in_batches(
    seeded_db: Database, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_user("root", role="admin")
    _finished_round(seeded_db, admin)
    open_writes: list[int] = [0]
    seen: dict[str, list[int]] = {"fit": [], "predict": [], "stored": []}
    write = seeded_db.write

    @contextmanager
    def counted_write() -> Iterator[Session]:
        with write() as session:
            open_writes[0] += 1
            try:
                yield session
            finally:
                open_writes[0] -= 1

    def watch(name: str, original: Callable[..., Any], size: Callable[..., int]) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if size(*args, **kwargs):
                seen[name].append(open_writes[0])
            return original(*args, **kwargs)

        return wrapper

    late: list[int] = []
    rescore = scorer_training._rescore

    def rescore_then_ingest(*args: Any, **kwargs: Any) -> tuple[int, int, int]:
        done = rescore(*args, **kwargs)
        # An article stored by an ingest while the model was being rescored (old scorer).
        with write() as session:
            draft = ArticleDraft(id="zz_late", title="Late", body="Officials said 9 died.")
            article = store_article(session, draft=draft)
            assert article is not None
            late.append(article.sentences[0].id)
        return done

    monkeypatch.setattr(seeded_db, "write", counted_write)
    monkeypatch.setattr(
        scorer_training,
        "train_scorer",
        watch("fit", scorer_training.train_scorer, lambda texts, _: len(texts)),
    )
    monkeypatch.setattr(
        scorer_training,
        "predict_scores",
        watch("predict", predict_scores, lambda _, texts: len(texts)),
    )
    monkeypatch.setattr(
        scorer_training.claim_queries,
        "set_score_values",
        watch(
            "stored", scorer_training.claim_queries.set_score_values, lambda *_, scores: len(scores)
        ),
    )
    monkeypatch.setattr(scorer_training, "_rescore", rescore_then_ingest)
    with seeded_db.read() as session:
        total = len(session.scalars(select(Sentence.id)).all())
    report = scorer_training.retrain_scorer(seeded_db, actor_id=admin, batch=50)
    assert seen["fit"] == [0]
    # Every batch is scored with no write open; only the late sentence inside the last one.
    assert seen["predict"] == [0] * (-(-total // 50)) + [1]
    assert seen["stored"] == [1] * (-(-total // 50) + 1)
    assert report.batches == -(-total // 50) + 1 and report.rescored == total + 1
    with seeded_db.read() as session:
        model = claim_scoring.active_model(session)
        text, value = session.execute(
            select(Sentence.text, Sentence.checkworthiness).where(Sentence.id == late[0])
        ).one()
    assert model is not None and [value] == predict_scores(model, [text])
