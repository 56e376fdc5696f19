"""The claim as checked on both databases: saved, audited, blind, drafted, adjudicated,
imported and exported in every format beside the original sentence."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from tests.conftest import SEEDS
from tests.exporters.labeled import REFUTE, A, B
from tests.services.test_export import PUBLISHER, empty_db, key_file, read_jsonl, run, validate
from workbench.db import labels as gold_queries
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry
from workbench.domain.labels import MAX_CLAIM_LENGTH
from workbench.errors import InputError
from workbench.services import drafts, history, reviewer_labels
from workbench.services.adjudicate import adjudicate
from workbench.services.importer import ImportRejectedError, import_labels
from workbench.services.ingest import ingest_paths
from workbench.services.reviewer_labels import record_label
from workbench.services.users import create_user

__all__ = ["empty_db", "key_file"]  # fixtures shared with the export tests

CLAIM = "Pakistan lost six fighter jets on 7-10 May 2025"
GOLD_CLAIM = "India's strikes killed 31 civilians on 7 May 2025"


def _sentence(db: Database, article: str = A, index: int = 0) -> tuple[int, str]:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        return sentence.id, sentence.text


def _audit(db: Database) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _stored_claim(db: Database, sentence_id: int, user_id: int) -> str | None:
    with db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sentence_id, user_id=user_id)
        assert annotation is not None
        return annotation.claim_text


def test_a_restated_claim_is_saved_kept_and_audited(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid, text = _sentence(seeded_db)
    with seeded_db.write() as s:
        record_label(s, user_id=ana, sentence_id=sid, label="unsourced", claim=f" {CLAIM} ")
    assert _stored_claim(seeded_db, sid, ana) == CLAIM
    with seeded_db.write() as s:  # a new verdict keeps the claim, as it keeps the note
        state = reviewer_labels.set_verdict(s, user_id=ana, sentence_id=sid, label="disputed")
    assert state.claim == CLAIM
    with seeded_db.write() as s:  # the sentence text itself is no restatement
        state = reviewer_labels.set_claim(s, user_id=ana, sentence_id=sid, claim=text)
    assert state.claim is None and _stored_claim(seeded_db, sid, ana) is None
    created, changed, back = _audit(seeded_db)
    assert created.action == "create" and created.new is not None
    assert created.new["claim"] == CLAIM
    assert changed.old == created.new and changed.new == {**created.new, "label": "disputed"}
    # A label without a restatement is audited exactly as before the claim existed.
    assert back.new is not None and list(back.new) == ["label", "note", "evidence"]
    ed = make_user("ed", role="editor")
    with seeded_db.read() as s:
        found = history.label_history_page(s, actor_id=ed, article_id=A, index=0, limit=10)
    shown = [(c.from_claim, c.to_claim) for c in found.changes]
    assert shown == [(None, CLAIM), (CLAIM, CLAIM), (CLAIM, None)]


def test_a_label_without_a_claim_stores_null_and_audits_as_before(
    seeded_db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid, _ = _sentence(seeded_db)
    with seeded_db.write() as s:
        reviewer_labels.set_verdict(s, user_id=ana, sentence_id=sid, label="unsourced", claim="")
    assert _stored_claim(seeded_db, sid, ana) is None
    (entry,) = _audit(seeded_db)
    assert entry.new == {"label": "unsourced", "note": "", "evidence": []}


def test_a_long_claim_is_refused_and_nothing_changes(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid, _ = _sentence(seeded_db)
    with seeded_db.write() as s:
        reviewer_labels.set_verdict(s, user_id=ana, sentence_id=sid, label="unsourced", claim=CLAIM)
    long = "x" * (MAX_CLAIM_LENGTH + 1)
    with pytest.raises(InputError, match="claim as checked is 1,001 characters long"):
        with seeded_db.write() as s:
            reviewer_labels.set_claim(s, user_id=ana, sentence_id=sid, claim=long)
    with pytest.raises(InputError, match="claim as checked is 1,001 characters long"):
        with seeded_db.write() as s:
            drafts.save_claim(s, user_id=ana, sentence_id=sid, claim=long)
    assert _stored_claim(seeded_db, sid, ana) == CLAIM
    assert len(_audit(seeded_db)) == 1


def test_reviewers_do_not_see_each_others_claims(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, ben = make_user("ana"), make_user("ben")
    sid, _ = _sentence(seeded_db)
    with seeded_db.write() as s:
        reviewer_labels.set_verdict(s, user_id=ana, sentence_id=sid, label="disputed", claim=CLAIM)
    with seeded_db.read() as s:
        assert reviewer_labels.label_state(s, user_id=ben, sentence_id=sid) is None
        assert drafts.draft_of(s, user_id=ben, sentence_id=sid) is None
    with seeded_db.write() as s:
        mine = reviewer_labels.set_verdict(s, user_id=ben, sentence_id=sid, label="verified")
    assert mine.claim is None  # ben starts from the sentence, never from ana's restatement
    with seeded_db.read() as s:
        reviews = {r.reviewer: r.claim for r in gold_queries.reviews(s, sentence_id=sid)}
    assert reviews == {"ana": CLAIM, "ben": None}  # the editor sees both


def test_a_claim_typed_before_the_label_is_a_draft_until_one(
    seeded_db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid, text = _sentence(seeded_db)
    with seeded_db.write() as s:
        assert drafts.save_claim(s, user_id=ana, sentence_id=sid, claim=CLAIM) is False
    with seeded_db.read() as s:
        draft = drafts.draft_of(s, user_id=ana, sentence_id=sid)
    assert draft is not None and draft.claim == CLAIM and not draft.note
    with seeded_db.write() as s:
        saved = drafts.choose_label(s, user_id=ana, sentence_id=sid, label="unsourced")
    assert saved.claim == CLAIM
    with seeded_db.read() as s:
        assert drafts.draft_of(s, user_id=ana, sentence_id=sid) is None
    with seeded_db.write() as s:  # on a label, the claim is saved at once
        assert drafts.save_claim(s, user_id=ana, sentence_id=sid, claim="Six jets lost") is True
    assert _stored_claim(seeded_db, sid, ana) == "Six jets lost"
    with seeded_db.write() as s:  # clearing the label keeps the claim as a draft
        assert drafts.clear_label(s, user_id=ana, sentence_id=sid)
    with seeded_db.read() as s:
        draft = drafts.draft_of(s, user_id=ana, sentence_id=sid)
    assert draft is not None and draft.claim == "Six jets lost"
    with seeded_db.write() as s:  # the sentence text empties the draft
        drafts.save_claim(s, user_id=ana, sentence_id=sid, claim=text)
    with seeded_db.read() as s:
        assert drafts.draft_of(s, user_id=ana, sentence_id=sid) is None


def test_the_editor_restates_the_gold_claim(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ed = make_user("ed", role="editor")
    sid, text = _sentence(seeded_db)
    with seeded_db.write() as s:
        adjudicate(s, editor_id=ed, sentence_id=sid, label="unsourced", rationale="r", claim=CLAIM)
    with seeded_db.read() as s:
        gold = gold_queries.gold_state(s, sentence_id=sid)
    assert gold is not None and gold.claim == CLAIM
    with seeded_db.write() as s:
        adjudicate(
            s,
            editor_id=ed,
            sentence_id=sid,
            label="unsourced",
            rationale="r",
            claim=text,
            expected_version=1,
        )
    with seeded_db.read() as s:
        gold = gold_queries.gold_state(s, sentence_id=sid)
    assert gold is not None and gold.claim is None
    first, second = _audit(seeded_db)
    assert first.new is not None and first.new["claim"] == CLAIM
    assert second.new is not None and "claim" not in second.new
    assert second.old == first.new


def _restate(db: Database) -> dict[str, str]:
    """ana restates A:0; the editor restates the gold claim of A:2. Returns the texts by id."""
    (a0, a0_text), (a2, a2_text) = _sentence(db, A, 0), _sentence(db, A, 2)
    with db.write() as s:
        ana = queries.user_by_name(s, name="ana")
        ed = queries.user_by_name(s, name="ed")
        assert ana is not None and ed is not None
        reviewer_labels.set_claim(s, user_id=ana.id, sentence_id=a0, claim=CLAIM)
        adjudicate(
            s,
            editor_id=ed.id,
            sentence_id=a2,
            label="disputed",
            rationale="ben's source holds",
            evidence=[REFUTE],
            claim=GOLD_CLAIM,
            expected_version=1,
        )
    return {f"{A}:0": a0_text, f"{A}:2": a2_text}


def test_every_format_carries_the_claim_beside_the_sentence(
    corpus: Database, tmp_path: Path
) -> None:
    texts = _restate(corpus)
    for fmt in ("jsonl", "fever", "claimreview", "csv", "parquet", "averitec"):
        publisher = PUBLISHER if fmt == "claimreview" else {}
        run(corpus, tmp_path / fmt, format=fmt, policy="majority", **publisher)
    claims = {c["id"]: c for c in read_jsonl(tmp_path / "jsonl" / "claims.jsonl")}
    validate(list(claims.values()), "claim")
    assert claims[f"{A}:2"]["claim"] == GOLD_CLAIM
    assert claims[f"{A}:2"]["sentence"]["text"] == texts[f"{A}:2"]
    # Not adjudicated: the claim is the sentence; ana's restatement stays with her label.
    assert claims[f"{A}:0"]["claim"] == texts[f"{A}:0"]
    given = {a["reviewer"]: a["claim"] for a in claims[f"{A}:0"]["annotations"]}
    assert given == {"ana": CLAIM, "ben": None, "cy": None}
    assert all(c["claim"] == c["sentence"]["text"] for i, c in claims.items() if i != f"{A}:2")

    lines = read_jsonl(tmp_path / "jsonl" / "annotations.jsonl")
    validate(lines, "annotation")
    restated = [line for line in lines if "claim" in line]
    assert [(x["article"], x["sentence"], x["reviewer"]) for x in restated] == [(A, 0, "ana")]
    assert restated[0]["claim"] == CLAIM and restated[0]["sentence_text"] == texts[f"{A}:0"]

    fever = {r["id"]: r for r in read_jsonl(tmp_path / "fever" / "fever.jsonl")}
    validate(list(fever.values()), "fever")
    assert fever[f"{A}:2"]["claim"] == GOLD_CLAIM
    assert fever[f"{A}:0"]["claim"] == texts[f"{A}:0"]

    reviews = {
        r["identifier"]: r for r in read_jsonl(tmp_path / "claimreview" / "claimreview.jsonl")
    }
    validate(list(reviews.values()), "claimreview")
    assert reviews[f"{A}:2"]["claimReviewed"] == GOLD_CLAIM
    assert reviews[f"{A}:0"]["claimReviewed"] == texts[f"{A}:0"]

    with open(tmp_path / "csv" / "claims.csv", encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows[f"{A}:2"]["claim"] == GOLD_CLAIM
    assert rows[f"{A}:2"]["text"] == texts[f"{A}:2"]

    averitec = orjson.loads((tmp_path / "averitec" / "averitec.json").read_bytes())
    assert GOLD_CLAIM in [record["claim"] for record in averitec]

    table = pq.read_table(tmp_path / "parquet" / "claims.parquet").to_pylist()
    validate(table, "claim")
    parquet = {row["id"]: row for row in table}
    assert parquet[f"{A}:2"]["claim"] == GOLD_CLAIM
    card = (tmp_path / "claimreview" / "README.md").read_text(encoding="utf-8")
    assert "The claim as checked (`claimReviewed`) is the editor's restatement" in card
    assert {a["reviewer"]: a["claim"] for a in parquet[f"{A}:0"]["annotations"]} == given


def test_claims_round_trip_through_import_byte_for_byte(
    corpus: Database, empty_db: Database, tmp_path: Path
) -> None:
    _restate(corpus)
    run(corpus, tmp_path / "first", policy="majority")
    assert not ingest_paths(empty_db, sources=[str(SEEDS)]).errors
    with empty_db.write() as s:
        create_user(s, name="ed", role="editor")
    first = tmp_path / "first"
    import_labels(empty_db, path=first / "annotations.jsonl")
    import_labels(empty_db, path=first / "claims.jsonl", editor="ed")
    run(empty_db, tmp_path / "second", policy="majority")
    second = tmp_path / "second"
    assert (first / "annotations.jsonl").read_bytes() == (second / "annotations.jsonl").read_bytes()
    # Article dates and links are not labels: claims.jsonl is compared on its claims.
    claims = [(c["id"], c["claim"]) for c in read_jsonl(first / "claims.jsonl")]
    assert claims == [(c["id"], c["claim"]) for c in read_jsonl(second / "claims.jsonl")]
    a2, _ = _sentence(empty_db, A, 2)
    with empty_db.read() as s:
        gold = gold_queries.gold_state(s, sentence_id=a2)
        stored = s.scalars(select(Annotation.claim_text).where(Annotation.claim_text.is_not(None)))
        assert list(stored) == [CLAIM]
    assert gold is not None and gold.claim == GOLD_CLAIM


def test_import_refuses_a_claim_that_is_not_text(seeded_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    line = {"article": B, "sentence": 0, "reviewer": "ana", "label": "unsourced", "claim": 3}
    path.write_bytes(orjson.dumps(line) + b"\n")
    with pytest.raises(ImportRejectedError) as caught:
        import_labels(seeded_db, path=path)
    problems = [str(p) for p in caught.value.problems]
    assert problems == [f"{path}:1: 'claim' must be text, got int"]
