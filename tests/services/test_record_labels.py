"""Many labels at once store exactly what one ``record_label`` per label would, audit included."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry, User
from workbench.domain.labels import Evidence, Label
from workbench.errors import PermissionDeniedError
from workbench.services.reviewer_labels import NewLabel, record_label, record_labels
from workbench.services.users import create_user, set_active

ARTICLE = "000_b5ddb462525d61c6"
SOURCE = Evidence(url='https://a.example/r?q="1"', quote='said "no"\n', stance="refutes")
CONTEXT = Evidence(url="https://b.example", stance="context", note="n", sentence_ref="001_x:2")


def _round(index: int, n: int) -> tuple[Label, str, tuple[Evidence, ...]]:
    """What reviewer ``n`` says about sentence ``index`` in the first and second round."""
    if (index + n) % 3 == 0:
        return Label.DISPUTED, "figure differs", (SOURCE, CONTEXT)
    if (index + n) % 3 == 1:
        return Label.UNSOURCED, "", ()
    return Label.NOT_A_CLAIM, "headline", ()


def _state(db: Database, names: list[str]) -> list[tuple[Any, ...]]:
    """Labels, evidence and audit rows of these reviewers, with names in place of ids."""
    with db.read() as session:
        users = {u.id: u.name[1:] for u in session.scalars(select(User)) if u.name in names}
        labels = [
            (
                a.sentence_id,
                users[a.user_id],
                a.label,
                a.note,
                a.evidence_json,
                [
                    (e.position, e.url, e.quote, e.stance, e.note, e.sentence_ref)
                    for e in a.evidence
                ],
            )
            for a in session.scalars(select(Annotation).where(Annotation.user_id.in_(users)))
        ]
        audit = [
            (e.sentence_id, users[e.actor_id or 0], e.action, e.old, e.new)
            for e in session.scalars(select(AuditEntry).where(AuditEntry.actor_id.in_(users)))
        ]
    return sorted(labels, key=repr) + sorted(audit, key=repr)


def test_batch_stores_what_one_call_per_label_stores(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        one = [create_user(session, name=f"o{n}").id for n in range(3)]
        many = [create_user(session, name=f"m{n}").id for n in range(3)]
        sentences = [
            queries.sentence_at(session, article_id=ARTICLE, index=index) for index in range(8)
        ]
    changes = []
    for shift in (
        0,
        1,
        1,
    ):  # a first round, a round that changes every label, one that changes none
        with seeded_db.write() as session:
            batch = []
            for index, sentence in enumerate(sentences):
                assert sentence is not None
                for n in range(3):
                    label, note, evidence = _round(index + shift, n)
                    record_label(
                        session,
                        user_id=one[n],
                        sentence_id=sentence.id,
                        label=label,
                        note=note,
                        evidence=evidence,
                    )
                    batch.append(NewLabel(sentence.id, many[n], label, note, evidence))
            changes.append(record_labels(session, labels=batch))
    assert changes == [24, 24, 0]
    ones = _state(seeded_db, ["o0", "o1", "o2"])
    assert ones == _state(seeded_db, ["m0", "m1", "m2"])
    assert [row[2] for row in ones if row[2] in ("create", "update")].count("update") == 24


def test_a_deactivated_account_stores_nothing(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        ana = create_user(session, name="ana").id
        bo = create_user(session, name="bo").id
        set_active(session, name="bo", active=False)
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=0)
        assert sentence is not None
        sentence_id = sentence.id
    with pytest.raises(PermissionDeniedError, match="bo"), seeded_db.write() as session:
        record_labels(
            session,
            labels=[
                NewLabel(sentence_id, ana, Label.UNSOURCED),
                NewLabel(sentence_id, bo, Label.UNSOURCED),
            ],
        )
    with seeded_db.read() as session:
        assert session.scalars(select(Annotation)).all() == []
