"""Gold labels: roles, audit rows, optimistic locking with two editors, bulk accept, queue."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from workbench.db import labels, queries
from workbench.db.engine import Database
from workbench.db.models import AuditEntry, GoldLabel
from workbench.domain.labels import Evidence
from workbench.errors import ConflictError, InputError, PermissionDeniedError
from workbench.services.adjudicate import adjudicate, bulk_accept_unanimous, disagreement_queue
from workbench.services.reviewer_labels import record_label

ARTICLE = "000_b5ddb462525d61c6"


def _sentence(db: Database, index: int) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert sentence is not None
        return sentence.id


def _label(db: Database, user: int, sentence: int, label: str) -> None:
    with db.write() as session:
        record_label(session, user_id=user, sentence_id=sentence, label=label)


def _gold_rows(db: Database) -> list[tuple[int, str, str, int]]:
    with db.read() as session:
        rows = session.execute(
            select(GoldLabel.sentence_id, GoldLabel.label, GoldLabel.rationale, GoldLabel.version)
        )
        return sorted(tuple(row) for row in rows)  # type: ignore[misc]


def test_adjudicate_creates_then_updates_with_audit(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    eve = make_user("eve", role="editor", password=None)
    sid = _sentence(seeded_db, 3)
    refutes = Evidence(url="https://example.org/r", quote="q", stance="refutes")
    with seeded_db.write() as session:
        gold = adjudicate(
            session,
            editor_id=eve,
            sentence_id=sid,
            label="disputed",
            rationale="figures differ",
            evidence=[refutes],
        )
        assert gold.version == 1
    with seeded_db.write() as session:
        gold = adjudicate(
            session,
            editor_id=eve,
            sentence_id=sid,
            label="unsourced",
            rationale="no source",
            expected_version=1,
        )
        assert gold.version == 2
    assert _gold_rows(seeded_db) == [(sid, "unsourced", "no source", 2)]
    with seeded_db.read() as session:
        audit = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        state = labels.gold_state(session, sentence_id=sid)
    assert [(a.entity, a.action, a.sentence_id) for a in audit] == [
        ("gold", "create", sid),
        ("gold", "update", sid),
    ]
    assert audit[0].new is not None and audit[0].new["evidence"][0]["stance"] == "refutes"
    assert audit[1].old == audit[0].new
    assert audit[1].new is not None and audit[1].new["version"] == 2
    assert state is not None and (state.label, state.editor, state.version) == (
        "unsourced",
        "eve",
        2,
    )


def test_stale_version_is_refused_and_nothing_overwritten(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    eve, max_ = (
        make_user("eve", role="editor", password=None),
        make_user("max", role="editor", password=None),
    )
    sid = _sentence(seeded_db, 3)
    with seeded_db.write() as session:  # both editors opened the sentence with no gold label
        adjudicate(session, editor_id=eve, sentence_id=sid, label="verified", rationale="eve")
    with seeded_db.write() as session, pytest.raises(ConflictError, match="another editor"):
        adjudicate(session, editor_id=max_, sentence_id=sid, label="disputed", rationale="max")
    with seeded_db.write() as session:  # max reloads (version 1) and both save from version 1
        adjudicate(
            session,
            editor_id=max_,
            sentence_id=sid,
            label="disputed",
            rationale="max",
            expected_version=1,
        )
    with seeded_db.write() as session, pytest.raises(ConflictError):
        adjudicate(
            session,
            editor_id=eve,
            sentence_id=sid,
            label="unsourced",
            rationale="eve again",
            expected_version=1,
        )
    assert _gold_rows(seeded_db) == [(sid, "disputed", "max", 2)]
    with seeded_db.read() as session:
        audited = session.scalar(select(func.count()).select_from(AuditEntry))
    assert audited == 2


@pytest.mark.parametrize("existing", [False, True])
def test_two_editors_at_the_same_time(seeded_db: Database, make_user, existing: bool) -> None:  # type: ignore[no-untyped-def]
    """The first editor's transaction is still open when the second saves from the same state."""
    eve, max_ = (
        make_user("eve", role="editor", password=None),
        make_user("max", role="editor", password=None),
    )
    sid = _sentence(seeded_db, 4)
    seen = None
    if existing:
        with seeded_db.write() as session:
            adjudicate(session, editor_id=eve, sentence_id=sid, label="verified", rationale="v1")
        seen = 1
    saved = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with seeded_db.write() as session:
                adjudicate(
                    session,
                    editor_id=eve,
                    sentence_id=sid,
                    label="disputed",
                    rationale="eve",
                    expected_version=seen,
                )
                saved.set()
                time.sleep(0.4)  # hold the transaction open while the second editor saves
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)
            saved.set()

    worker = threading.Thread(target=first)
    worker.start()
    assert saved.wait(10)
    with pytest.raises(ConflictError, match="nothing was overwritten"):
        with seeded_db.write() as session:
            adjudicate(
                session,
                editor_id=max_,
                sentence_id=sid,
                label="unsourced",
                rationale="max",
                expected_version=seen,
            )
    worker.join(10)
    assert errors == []
    version = 2 if existing else 1
    assert _gold_rows(seeded_db) == [(sid, "disputed", "eve", version)]


def test_reviewers_cannot_adjudicate_and_input_is_checked(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, eve = make_user("ana", password=None), make_user("eve", role="editor", password=None)
    sid = _sentence(seeded_db, 0)
    with seeded_db.write() as session, pytest.raises(PermissionDeniedError, match="editor role"):
        adjudicate(session, editor_id=ana, sentence_id=sid, label="verified", rationale="x")
    with seeded_db.write() as session, pytest.raises(InputError, match="rationale"):
        adjudicate(session, editor_id=eve, sentence_id=sid, label="verified", rationale="  ")
    too_long = "r" * 10_001  # refused whole, never cut
    with seeded_db.write() as session, pytest.raises(InputError, match="10,001 characters long"):
        adjudicate(session, editor_id=eve, sentence_id=sid, label="unsourced", rationale=too_long)
    with seeded_db.write() as session, pytest.raises(InputError, match="bad label"):
        adjudicate(session, editor_id=eve, sentence_id=sid, label="true", rationale="x")
    with seeded_db.write() as session, pytest.raises(PermissionDeniedError):
        bulk_accept_unanimous(session, editor_id=ana, min_reviewers=2)
    with seeded_db.read() as session, pytest.raises(PermissionDeniedError, match="editor role"):
        disagreement_queue(session, editor_id=ana)
    assert _gold_rows(seeded_db) == []


def test_bulk_accept_and_queue(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, ben, cy = (
        make_user("ana", password=None),
        make_user("ben", password=None),
        make_user("cy", password=None),
    )
    eve = make_user("eve", role="editor", password=None)
    s = [_sentence(seeded_db, i) for i in range(5)]
    plan = {
        s[0]: ("verified", "verified", "verified"),  # unanimous, 3 reviewers
        s[1]: ("disputed", "disputed", None),  # unanimous, 2 reviewers
        s[2]: ("verified", "disputed", "unsourced"),  # three labels: most contested
        s[3]: ("verified", "verified", "disputed"),  # two against one
        s[4]: ("not_a_claim", None, None),  # one reviewer
    }
    for sentence, given in plan.items():
        for user, label in zip((ana, ben, cy), given, strict=True):
            if label is not None:
                _label(seeded_db, user, sentence, label)
    with seeded_db.read() as session:
        queue = disagreement_queue(session, editor_id=eve)
    assert [item.sentence_id for item in queue] == [s[2], s[3]]
    assert queue[0].labels == {"ana": "verified", "ben": "disputed", "cy": "unsourced"}
    assert queue[1].top_share == pytest.approx(2 / 3)
    with seeded_db.write() as session:
        assert bulk_accept_unanimous(session, editor_id=eve, min_reviewers=3) == 1
    with seeded_db.write() as session:
        assert bulk_accept_unanimous(session, editor_id=eve, min_reviewers=2) == 1
    with seeded_db.write() as session:
        assert bulk_accept_unanimous(session, editor_id=eve, min_reviewers=2) == 0
    rows = _gold_rows(seeded_db)
    assert [(sid, label) for sid, label, _, _ in rows] == [(s[0], "verified"), (s[1], "disputed")]
    assert rows[0][2] == "unanimous: all 3 reviewers chose verified"
    with seeded_db.write() as session:
        adjudicate(session, editor_id=eve, sentence_id=s[2], label="unsourced", rationale="r")
    with seeded_db.read() as session:
        assert [item.sentence_id for item in disagreement_queue(session, editor_id=eve)] == [s[3]]
        everything = disagreement_queue(session, editor_id=eve, include_adjudicated=True)
        audit = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "gold")
        )
    assert [item.sentence_id for item in everything] == [s[2], s[3]]
    assert audit == 3
    with seeded_db.write() as session, pytest.raises(InputError, match="at least 2"):
        bulk_accept_unanimous(session, editor_id=eve, min_reviewers=1)
