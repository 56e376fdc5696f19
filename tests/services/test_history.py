"""Label history from the audit log: who, when, from what, to what; editors only."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.labels import Evidence
from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.services.adjudicate import adjudicate
from workbench.services.history import changed_sentences, label_history_page
from workbench.services.reviewer_labels import clear_label, record_label

MakeUser = Callable[..., int]
A0 = "000_b5ddb462525d61c6"


def _sentence(db: Database, index: int) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=A0, index=index)
        assert sentence is not None
        return sentence.id


def test_history_lists_every_change_in_order(seeded_db: Database, make_user: MakeUser) -> None:
    editor = make_user("ed", role="editor", password=None)
    ana = make_user("ana", password=None)
    ben = make_user("ben", password=None)
    sid = _sentence(seeded_db, 3)
    refute = Evidence(url="https://example.org/r", quote="q", stance="refutes")
    steps = [
        lambda s: record_label(s, user_id=ana, sentence_id=sid, label="unsourced"),
        lambda s: record_label(s, user_id=ben, sentence_id=sid, label="not_a_claim"),
        lambda s: record_label(
            s, user_id=ana, sentence_id=sid, label="disputed", note="n", evidence=[refute]
        ),
        lambda s: adjudicate(
            s, editor_id=editor, sentence_id=sid, label="disputed", rationale="r", evidence=[refute]
        ),
        lambda s: clear_label(s, user_id=ben, sentence_id=sid),
    ]
    for step in steps:
        with seeded_db.write() as session:
            step(session)
    with seeded_db.read() as session:
        changes = label_history_page(
            session, actor_id=editor, article_id=A0, index=3, limit=100
        ).changes
    assert [(c.who, c.kind, c.action, c.from_label, c.to_label) for c in changes] == [
        ("ana", "reviewer label", "create", None, "unsourced"),
        ("ben", "reviewer label", "create", None, "not_a_claim"),
        ("ana", "reviewer label", "update", "unsourced", "disputed"),
        ("ed", "gold label", "create", None, "disputed"),
        ("ben", "reviewer label", "delete", "not_a_claim", None),
    ]
    assert [(c.from_note, c.to_note) for c in changes][2] == ("", "n")
    assert [(c.from_evidence, c.to_evidence) for c in changes][2] == (0, 1)
    assert all(a.at <= b.at for a, b in zip(changes, changes[1:], strict=False))
    with seeded_db.read() as session:
        first = label_history_page(session, actor_id=editor, article_id=A0, index=3, limit=2)
        last = label_history_page(
            session, actor_id=editor, article_id=A0, index=3, limit=2, offset=4
        )
        gold = label_history_page(
            session, actor_id=editor, article_id=A0, index=3, kind="gold label", limit=10
        )
        with pytest.raises(InputError, match="bad kind"):
            label_history_page(session, actor_id=editor, article_id=A0, index=3, kind="x", limit=1)
    assert (first.total, first.changes) == (5, changes[:2])
    assert (last.total, last.changes) == (5, changes[4:])
    assert (gold.total, [c.kind for c in gold.changes]) == (1, ["gold label"])
    with seeded_db.read() as session:
        assert changed_sentences(session, actor_id=editor, article_id=A0) == [3]
        page = label_history_page(session, actor_id=editor, article_id=A0, index=4, limit=100)
        assert (page.total, page.changes) == (0, [])
        with pytest.raises(NotFoundError, match=f"no sentence {A0}:9999"):
            label_history_page(session, actor_id=editor, article_id=A0, index=9999, limit=100)


def test_reviewers_cannot_read_history(seeded_db: Database, make_user: MakeUser) -> None:
    ana = make_user("ana", password=None)
    ben = make_user("ben", password=None)
    sid = _sentence(seeded_db, 0)
    with seeded_db.write() as session:
        record_label(session, user_id=ben, sentence_id=sid, label="unsourced")
    with pytest.raises(PermissionDeniedError, match="needs the editor role"):
        with seeded_db.read() as session:
            label_history_page(session, actor_id=ana, article_id=A0, index=0, limit=100)
    with pytest.raises(PermissionDeniedError, match="needs the editor role"):
        with seeded_db.read() as session:
            changed_sentences(session, actor_id=ana, article_id=A0)
