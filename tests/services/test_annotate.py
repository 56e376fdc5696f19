"""Saving, updating and clearing labels, with their audit rows."""

from __future__ import annotations

from sqlalchemy import func, select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry
from workbench.domain.labels import Evidence
from workbench.services.annotate import clear_label, record_label


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
