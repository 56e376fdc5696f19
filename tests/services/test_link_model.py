"""Reviewers' link decisions train the link model, which then filters new links."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db import claims as claim_queries
from workbench.db.engine import Database
from workbench.db.models import Article, ClaimLink, ScorerModel, Sentence
from workbench.domain.link_model import LINK_MODEL_FORMAT, MIN_PER_CLASS, keep_links
from workbench.errors import InputError
from workbench.services import claim_scoring, link_decisions, scorer_training
from workbench.services.ingest import ingest_paths
from workbench.services.link_model import (
    active_link_model,
    link_model_status,
    retrain_links,
    training_pairs,
)
from workbench.services.linking import relink
from workbench.services.related_claims import links_listing

PAIRS = Path(__file__).resolve().parents[1] / "data" / "claim_pairs.jsonl"


def _labeled() -> dict[tuple[str, str], bool]:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    return {(row["a"], row["b"]): bool(row["same_claim"]) for row in rows}


def _decide_labeled_links(db: Database, users: list[int], *, flip_one: bool = False) -> int:
    """Every reviewer decides each stored link that the labeled pairs settle; returns pairs."""
    truth = _labeled()
    with db.read() as session:
        listing = [(str(link["a"]), str(link["b"])) for link in links_listing(session)]
    decided = 0
    with db.write() as session:
        for a, b in listing:
            if (a, b) not in truth:
                continue
            article, _, index = a.rpartition(":")
            for n, user in enumerate(users):
                same = truth[(a, b)]
                if flip_one and n == 0:
                    same = not same  # outvoted by the others
                link_decisions.decide_link(
                    session,
                    user_id=user,
                    article_id=article,
                    index=int(index),
                    ref=b,
                    same_claim=same,
                )
            decided += 1
    return decided


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
    truth = _labeled()
    users = [make_user("ana"), make_user("ben"), make_user("cy")]
    before = _stored_pairs(seeded_db)
    decided = _decide_labeled_links(seeded_db, users, flip_one=True)
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
