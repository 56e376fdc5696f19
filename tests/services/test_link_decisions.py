"""Link decisions: stored, audited, blind to other reviewers, visible to editors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from workbench.db import claims as claim_queries
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import AuditEntry, ClaimLink, Sentence
from workbench.errors import InputError
from workbench.exporters.schemas import load_schema
from workbench.services import link_decisions
from workbench.services.export import ExportOptions, export_dataset


def _a_link(db: Database) -> tuple[str, int, str, int, int]:
    """Article and index of a linked sentence, the other's ref, and both sentence ids."""
    with db.read() as session:
        link = session.scalars(select(ClaimLink).order_by(ClaimLink.id).limit(1)).one()
        a = session.get(Sentence, link.a_sentence_id)
        b = session.get(Sentence, link.b_sentence_id)
        assert a is not None and b is not None
        return a.article_id, a.index, f"{b.article_id}:{b.index}", a.id, b.id


def test_decisions_are_stored_audited_and_blind(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, ben, eve = make_user("ana"), make_user("ben"), make_user("eve", role="editor")
    article, index, ref, a_id, b_id = _a_link(seeded_db)
    with seeded_db.write() as session:
        first = link_decisions.decide_link(
            session, user_id=ana, article_id=article, index=index, ref=ref, same_claim=True
        )
        link_decisions.decide_link(
            session, user_id=ana, article_id=article, index=index, ref=ref, conflict=False
        )
        link_decisions.decide_link(
            session, user_id=ben, article_id=article, index=index, ref=ref, same_claim=False
        )
    assert first == link_decisions.Decided(True, None)
    with seeded_db.read() as session:
        seen_by_ana = link_decisions.shown_decisions(
            session, user_id=ana, sentence_id=a_id, other_ids=[b_id]
        )
        seen_by_eve = link_decisions.shown_decisions(
            session, user_id=eve, sentence_id=a_id, other_ids=[b_id]
        )
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "link_decision").order_by(AuditEntry.id)
        ).all()
    assert [(s.user_id, s.same_claim, s.conflict) for s in seen_by_ana[b_id]] == [
        (ana, True, False)
    ]
    assert sorted((s.user_id, s.same_claim) for s in seen_by_eve[b_id]) == [
        (ana, True),
        (ben, False),
    ]
    assert [(row.actor_id, row.action) for row in audit] == [
        (ana, "create"),
        (ana, "update"),
        (ben, "create"),
    ]
    assert audit[1].old == {"same_claim": True, "conflict": None}
    assert audit[1].new == {
        "same_claim": True,
        "conflict": False,
        "a_sentence_id": min(a_id, b_id),
        "b_sentence_id": max(a_id, b_id),
    }


def test_a_decision_on_a_sentence_that_is_not_linked_is_refused(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    ana = make_user("ana")
    article, index, _, a_id, _ = _a_link(seeded_db)
    with seeded_db.read() as session:
        linked = {r.ref for r in claim_queries.related_sentences(session, sentence_id=a_id)}
        own = queries.sentence_at(session, article_id=article, index=index)
    assert own is not None
    unlinked = f"{article}:{index}"
    assert unlinked not in linked
    with seeded_db.write() as session, pytest.raises(InputError, match="is not linked"):
        link_decisions.decide_link(
            session, user_id=ana, article_id=article, index=index, ref=unlinked, same_claim=True
        )
    with seeded_db.write() as session, pytest.raises(InputError, match="needs"):
        link_decisions.decide_link(
            session, user_id=ana, article_id=article, index=index, ref=unlinked
        )


def test_pairs_export_writes_each_decision_valid_against_its_schema(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "k" * 32)
    ana, ben = make_user("ana"), make_user("ben")
    article, index, ref, a_id, b_id = _a_link(seeded_db)
    with seeded_db.write() as session:
        link_decisions.decide_link(
            session, user_id=ana, article_id=article, index=index, ref=ref, same_claim=True
        )
        link_decisions.decide_link(
            session, user_id=ben, article_id=article, index=index, ref=ref, conflict=False
        )
    export_dataset(
        seeded_db, out=tmp_path / "out", options=ExportOptions(format="pairs", anonymize=True)
    )
    lines = (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    validator = jsonschema.Draft202012Validator(load_schema("pairs"))
    for record in records:
        validator.validate(record)
    assert [(r["decision"], r["conflict_decision"]) for r in records] == [
        ("same_claim", "undecided"),
        ("undecided", "no_conflict"),
    ]
    assert {r["a"] for r in records} | {r["b"] for r in records} == {f"{article}:{index}", ref}
    assert all(r["reviewer"].startswith("reviewer-") for r in records)
    assert all(isinstance(r["similarity"], float) for r in records)
    assert all(r["score"] is None for r in records)  # no link model scored these links
