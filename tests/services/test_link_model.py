"""Reviewers' link decisions train the link model, which then filters new links."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import aliased
from typer.testing import CliRunner

from tests.services.link_pairs import decide_labeled_links, labeled_pairs
from workbench.cli import app
from workbench.db import claims as claim_queries
from workbench.db.engine import Database
from workbench.db.link_decisions import LinkDecision
from workbench.db.models import Article, ClaimLink, ScorerModel, Sentence
from workbench.domain.link_model import (
    ACCEPT,
    LINK_MODEL_FORMAT,
    MIN_PER_CLASS,
    keep_links,
    link_probabilities,
)
from workbench.errors import InputError
from workbench.services import claim_scoring, link_decisions, scorer_training
from workbench.services import link_model as service
from workbench.services.ingest import ingest_paths
from workbench.services.link_model import (
    active_link_model,
    link_model_status,
    retrain_links,
    training_pairs,
)
from workbench.services.linking import relink
from workbench.services.related_claims import links_listing


def test_training_refuses_without_enough_decisions(seeded_db: Database, database_url: str) -> None:
    with pytest.raises(InputError, match="not enough link decisions to train: 0 decided pair"):
        retrain_links(seeded_db, actor_id=None)
    result = CliRunner().invoke(app, ["--db", database_url, "retrain-links"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: not enough link decisions to train: 0 decided pair(s) (0 'same claim', "
        f"0 'not the same claim', by the majority of reviewers); need at least {MIN_PER_CLASS} "
        "of each\n"
    )
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(ScorerModel)) == 0
        assert link_model_status(session).name == "similarity floor"


def test_majority_of_reviewers_trains_a_plain_model_that_filters_new_links(
    seeded_db: Database, database_url: str, make_user: Any
) -> None:
    truth = labeled_pairs()
    users = [make_user("ana"), make_user("ben"), make_user("cy")]
    before = _stored_pairs(seeded_db)
    decided = decide_labeled_links(seeded_db, users, flip_one=True)
    with seeded_db.read() as session:
        read, rows, labels = training_pairs(session)
    assert read == 3 * decided and len(rows) == decided == len(labels)
    # The majority's decision, not the outvoted first reviewer's.
    assert sum(labels) == sum(1 for pair in before if truth.get(pair))

    result = CliRunner().invoke(app, ["--db", database_url, "retrain-links"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"trained on {decided} decided pair(s) (")
    assert f"from {3 * decided} decision(s)" in result.stdout
    with seeded_db.read() as session:
        row = session.scalars(select(ScorerModel)).one()
        assert row.format == LINK_MODEL_FORMAT and row.trained_on == decided
        payload = claim_queries.scorer_payload(session, scorer_id=row.id)
        assert payload is not None and json.loads(payload)["format"] == LINK_MODEL_FORMAT
        assert row.digest == hashlib.sha256(payload).hexdigest()
        # The link model is not a check-worthiness scorer: the rules still score sentences.
        assert claim_scoring.active_model(session) is None
        assert scorer_training.scorer_status(session).name == scorer_training.RULES
        model = active_link_model(session)
        assert model is not None
        assert link_model_status(session).trained_on == decided

    with seeded_db.write() as session:
        session.execute(delete(ClaimLink))
        session.execute(update(Article).values(linked_at=None))
    relink(seeded_db)
    with seeded_db.read() as session:
        after = links_listing(session)
    assert 0 < len(after) <= len(before)
    pairs = [
        (str(link["a_text"]), str(link["b_text"]), float(str(link["similarity"]))) for link in after
    ]
    assert all(keep_links(model, pairs))
    # Links made while the model is active carry its probability as their ranking score.
    scores = [round(p, 4) for p in link_probabilities(model, pairs)]
    assert [link["score"] for link in after] == scores and min(scores) >= ACCEPT
    linked = {(str(link["a"]), str(link["b"])) for link in after}
    wrong_after = sum(1 for pair in linked if truth.get(pair) is False)
    wrong_before = sum(1 for pair in before if truth.get(pair) is False)
    assert wrong_after < wrong_before


def _stored_pairs(db: Database) -> set[tuple[str, str]]:
    with db.read() as session:
        return {(str(link["a"]), str(link["b"])) for link in links_listing(session)}


def test_a_pickled_link_model_is_refused_never_run(seeded_db: Database, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class _Creates:
        def __reduce__(self) -> tuple[Any, tuple[str, str]]:
            return (open, (str(marker), "w"))

    payload = pickle.dumps(_Creates())
    with seeded_db.write() as session:
        session.add(
            ScorerModel(
                trained_on=10,
                metrics={},
                payload=payload,
                format=LINK_MODEL_FORMAT,
                digest=hashlib.sha256(payload).hexdigest(),
            )
        )
    with seeded_db.read() as session, pytest.raises(InputError) as raised:
        active_link_model(session)
    assert "link model 1" in str(raised.value) and "it is a pickle" in str(raised.value)
    assert not marker.exists()
    with seeded_db.read() as session:
        assert claim_scoring.active_model(session) is None  # the scorer is untouched
        assert session.scalar(select(func.count()).select_from(Sentence)) == 142


def test_ingest_refuses_a_file_while_the_link_model_is_refused(
    seeded_db: Database, tmp_path: Path
) -> None:
    payload = b"not a model"
    with seeded_db.write() as session:
        session.add(
            ScorerModel(
                trained_on=10,
                metrics={},
                payload=payload,
                format=LINK_MODEL_FORMAT,
                digest=hashlib.sha256(payload).hexdigest(),
            )
        )
    source = tmp_path / "wire.txt"
    source.write_text("Wire report\n\nOfficials said 9 soldiers died on May 3.\n")
    report = ingest_paths(seeded_db, sources=[str(source)])
    assert report.added == [] and len(report.errors) == 1
    message = str(report.errors[0])
    assert "link model 1" in message and "it is not a JSON document" in message
    assert "`workbench retrain-links`" in message


def _stored_links(db: Database) -> dict[tuple[int, int], tuple[str, str, float, float | None]]:
    """Every stored link by its sentence ids: both texts, similarity and score."""
    a, b = aliased(Sentence), aliased(Sentence)
    with db.read() as session:
        rows = session.execute(
            select(
                ClaimLink.a_sentence_id,
                ClaimLink.b_sentence_id,
                a.text,
                b.text,
                ClaimLink.similarity,
                ClaimLink.score,
            )
            .join(a, a.id == ClaimLink.a_sentence_id)
            .join(b, b.id == ClaimLink.b_sentence_id)
        )
        return {(r[0], r[1]): (r[2], r[3], float(r[4]), r[5]) for r in rows}


def _decisions(db: Database) -> list[tuple[int, int, int, bool | None]]:
    with db.read() as session:
        rows = session.execute(
            select(
                LinkDecision.a_sentence_id,
                LinkDecision.b_sentence_id,
                LinkDecision.user_id,
                LinkDecision.same_claim,
            ).order_by(LinkDecision.id)
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]


def test_retrain_rescores_stored_links_and_drops_rejected_unless_confirmed(
    seeded_db: Database, database_url: str, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = labeled_pairs()
    ana, ben = make_user("ana"), make_user("ben")
    decide_labeled_links(seeded_db, [ana])
    # Ben confirms every third link Ana rejected: an even split, so it does not train, but a
    # reviewer confirmed it as the same claim.
    with seeded_db.read() as session:
        listing = [(str(link["a"]), str(link["b"])) for link in links_listing(session)]
    rejected_by_ana = [pair for pair in listing if truth.get(pair) is False]
    confirmed_refs = rejected_by_ana[::3]
    with seeded_db.write() as session:
        for a_ref, b_ref in confirmed_refs:
            article, _, index = a_ref.rpartition(":")
            link_decisions.decide_link(
                session,
                user_id=ben,
                article_id=article,
                index=int(index),
                ref=b_ref,
                same_claim=True,
            )
    decisions = _decisions(seeded_db)
    by_ben = {(a, b) for a, b, user, same in decisions if user == ben}
    assert len(by_ben) == len(confirmed_refs) >= 2
    confirmed = {(a, b) for a, b, _, same in decisions if same}  # Ana's "same claim" too
    before = _stored_links(seeded_db)
    assert all(score is None for *_, score in before.values())
    assert all(a < b for a, b in before)  # so a link's pair is a decision's (lower id first)

    # Bounded batches: each read asks for at most 7 links, after the last id of the one before,
    # and the model is applied with no connection open.
    reads: list[tuple[int, int]] = []
    open_while_scoring: list[int] = []
    read_batch, probabilities = claim_queries.stored_links, service.link_probabilities

    def reading(session: Any, *, after: int = 0, limit: int) -> Any:
        found = read_batch(session, after=after, limit=limit)
        reads.append((after, len(found)))
        assert len(found) <= limit == 7
        return found

    def scoring(*args: Any, **kwargs: Any) -> Any:
        open_while_scoring.append(seeded_db.engine.pool.checkedout())  # type: ignore[attr-defined]
        return probabilities(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(claim_queries, "stored_links", reading)
        patch.setattr(service, "link_probabilities", scoring)
        report = retrain_links(seeded_db, actor_id=None, batch=7)
    batches = -(-len(before) // 7)
    last = len(before) - 7 * (batches - 1)
    assert [count for _, count in reads] == [7] * (batches - 1) + [last, 0]
    afters = [after for after, _ in reads]
    assert afters[0] == 0 and afters == sorted(set(afters))  # keyset: each after the last
    assert open_while_scoring == [0] * batches

    with seeded_db.read() as session:
        model = active_link_model(session)
    assert model is not None
    pairs = list(before)
    found = link_probabilities(model, [before[pair][:3] for pair in pairs])
    p_of = dict(zip(pairs, found, strict=True))
    expected = {pair for pair in pairs if p_of[pair] >= ACCEPT or pair in confirmed}
    after = _stored_links(seeded_db)
    assert set(after) == expected
    # Every remaining link carries the new model's probability, the confirmed ones included.
    assert all(after[pair][3] == round(p_of[pair], 4) for pair in after)
    kept_rejected = {pair for pair in confirmed if p_of[pair] < ACCEPT}
    assert kept_rejected and kept_rejected <= set(after)  # confirmed, so kept though rejected
    assert kept_rejected & by_ben  # one reviewer's "same claim" is enough, outvoted or not
    assert len(before) - len(after) >= 1
    rescore = report.rescore
    assert (rescore.rescored, rescore.dropped, rescore.kept_confirmed) == (
        len(after),
        len(before) - len(after),
        len(kept_rejected),
    )
    assert _decisions(seeded_db) == decisions  # every reviewer's decision row survives

    # The re-scored links rank by score now: the Related list of each sentence follows it.
    with seeded_db.read() as session:
        for a_id in {a for a, _ in after}:
            related = claim_queries.related_sentences(session, sentence_id=a_id)
            ranks = [(not r.conflict, -(r.score or 0.0)) for r in related]
            assert ranks == sorted(ranks) and all(r.score is not None for r in related)
        listing_after = links_listing(session)
    assert all("score" in link for link in listing_after)

    # Retraining from the command line says what it re-scored and dropped. (A dropped link's
    # pair trains on the similarity of its two sentences alone, so the model moves a little.)
    result = CliRunner().invoke(app, ["--db", database_url, "retrain-links"])
    assert result.exit_code == 0, result.output
    line = re.fullmatch(
        r"re-scored (\d+) stored link\(s\); dropped (\d+) the model rejects \((\d+) rejected "
        r"link\(s\) kept: a reviewer confirmed them as the same claim\)",
        result.stdout.splitlines()[-1],
    )
    assert line is not None, result.stdout
    again = _stored_links(seeded_db)
    assert (int(line[1]), int(line[2])) == (len(again), len(after) - len(again))
    assert int(line[3]) >= len(kept_rejected & by_ben)
    assert _decisions(seeded_db) == decisions
    plain = CliRunner().invoke(app, ["--db", database_url, "links"])
    heads = [line for line in plain.stdout.splitlines() if " <-> " in line]
    assert len(heads) == len(again)
    assert all(re.search(r"  similarity 0\.\d\d  score [01]\.\d\d", line) for line in heads)
