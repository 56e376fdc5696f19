"""The annotate view's edits: verdict, note and evidence change one at a time, each audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import AuditEntry
from workbench.domain.labels import Evidence, Label
from workbench.errors import InputError, NotFoundError
from workbench.services import reviewer_labels


def _sid(db: Database, index: int = 0) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id="000_b5ddb462525d61c6", index=index)
        assert sentence is not None
        return sentence.id


def test_verdict_note_and_evidence_edits_keep_each_other(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    refute = Evidence(url="https://example.org/r", quote="q", stance="refutes")
    context = Evidence(url="https://example.org/c", stance="context")
    with seeded_db.write() as s:
        first = reviewer_labels.set_verdict(
            s, user_id=ana, sentence_id=sid, label="disputed", note="n"
        )
    assert first.evidence_problem() is not None
    with seeded_db.write() as s:
        reviewer_labels.add_evidence(s, user_id=ana, sentence_id=sid, item=context)
    with seeded_db.write() as s:
        state = reviewer_labels.add_evidence(s, user_id=ana, sentence_id=sid, item=refute)
    assert state.evidence_problem() is None
    with seeded_db.write() as s:  # a new verdict keeps note and evidence
        reviewer_labels.set_verdict(s, user_id=ana, sentence_id=sid, label="unsourced")
    with seeded_db.write() as s:
        reviewer_labels.remove_evidence(s, user_id=ana, sentence_id=sid, position=0)
    with seeded_db.write() as s:
        reviewer_labels.set_note(s, user_id=ana, sentence_id=sid, note="checked")
    with seeded_db.read() as s:
        final = reviewer_labels.label_state(s, user_id=ana, sentence_id=sid)
        actions = [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert final == reviewer_labels.LabelState(Label.UNSOURCED, "checked", (refute,))
    assert actions == ["create"] + ["update"] * 5


def test_evidence_and_note_need_a_label_first(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    item = Evidence(url="https://example.org/s", stance="supports")
    with pytest.raises(InputError, match="choose a label for this sentence before you add"):
        with seeded_db.write() as s:
            reviewer_labels.add_evidence(s, user_id=ana, sentence_id=sid, item=item)
    with pytest.raises(InputError, match="before you write a note"):
        with seeded_db.write() as s:
            reviewer_labels.set_note(s, user_id=ana, sentence_id=sid, note="x")
    with seeded_db.write() as s:
        reviewer_labels.set_verdict(s, user_id=ana, sentence_id=sid, label="verified")
    with pytest.raises(NotFoundError, match="no evidence item 1"):
        with seeded_db.write() as s:
            reviewer_labels.remove_evidence(s, user_id=ana, sentence_id=sid, position=0)
    with seeded_db.read() as s:
        assert len(s.scalars(select(AuditEntry)).all()) == 1
