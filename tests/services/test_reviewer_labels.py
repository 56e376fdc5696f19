"""Saving, updating and clearing labels, with their audit rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry, GoldLabel
from workbench.domain.labels import (
    MAX_NOTE_LENGTH,
    Evidence,
    Label,
    decode_evidence,
    encode_evidence,
)
from workbench.errors import InputError
from workbench.services.adjudicate import adjudicate
from workbench.services.reviewer_labels import NewLabel, clear_label, record_label, record_labels


def _sentence_id(db: Database, index: int = 0) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id="000_b5ddb462525d61c6", index=index)
        assert sentence is not None
        return sentence.id


def test_save_update_clear_writes_one_audit_row_each(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid = _sentence_id(seeded_db)
    support = Evidence(url="https://example.org/a", quote="q", stance="supports")
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sid, label="verified", evidence=[support])
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sid, label="unsourced", note="no source")
    with seeded_db.write() as session:  # identical save: nothing changes, nothing audited
        record_label(session, user_id=ana, sentence_id=sid, label="unsourced", note="no source")
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sid, user_id=ana)
        assert annotation is not None
        assert (annotation.label, annotation.note, annotation.evidence) == (
            "unsourced",
            "no source",
            [],
        )
        audit = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [a.action for a in audit] == ["create", "update"]
    assert audit[0].old is None
    assert audit[0].new is not None and audit[0].new["evidence"][0]["stance"] == "supports"
    assert audit[1].old == audit[0].new
    with seeded_db.write() as session:
        assert clear_label(session, user_id=ana, sentence_id=sid) is True
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Annotation)) == 0
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and last.action == "delete" and last.new is None


def test_a_note_over_the_limit_is_refused_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    seeded_db: Database, make_user
) -> None:
    ana = make_user("ana")
    sid = _sentence_id(seeded_db)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sid, label="unsourced", note="kept")
    too_long = "n" * (MAX_NOTE_LENGTH + 1)
    with pytest.raises(InputError, match="note is 10,001 characters long; at most 10,000"):
        with seeded_db.write() as session:
            record_label(session, user_id=ana, sentence_id=sid, label="unsourced", note=too_long)
    label = NewLabel(sid, ana, Label.UNSOURCED, note=too_long)
    with pytest.raises(InputError, match="at most 10,000 are allowed"):
        with seeded_db.write() as session:
            record_labels(session, labels=[label])
    with seeded_db.write() as session:  # exactly at the limit is kept whole, not cut
        record_label(session, user_id=ana, sentence_id=sid, label="unsourced", note=too_long[1:])
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sid, user_id=ana)
        assert annotation is not None and annotation.note == too_long[1:]
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 2


def test_evidence_is_stored_in_one_encoding_for_labels_and_gold(  # type: ignore[no-untyped-def]
    seeded_db: Database, make_user
) -> None:
    ana, eda = make_user("ana"), make_user("eda", role="editor")
    sid = _sentence_id(seeded_db)
    evidence = [
        Evidence(url="https://example.org/a", quote='say "q"\n', stance="refutes", note="é"),
        Evidence(url="", quote="linked", stance="context", sentence_ref="b:3"),
    ]
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sid, label="disputed", evidence=evidence)
        adjudicate(
            session,
            editor_id=eda,
            sentence_id=sid,
            label="disputed",
            rationale="r",
            evidence=evidence,
        )
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sid, user_id=ana)
        gold = session.scalars(select(GoldLabel)).one()
        assert annotation is not None
        assert annotation.evidence_json == gold.evidence_json == encode_evidence(evidence)
        assert decode_evidence(gold.evidence_json) == tuple(evidence)
        rows = [(e.position, e.url, e.sentence_ref) for e in gold.evidence]
        assert rows == [(0, "https://example.org/a", None), (1, "", "b:3")]
