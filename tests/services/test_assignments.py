"""Assignments: queues, the admin check, the reviewer's own queue first with own progress."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from workbench.db import article_list, queries
from workbench.db.engine import Database
from workbench.db.models import Assignment
from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.services import assignments
from workbench.services.reviewer_labels import record_label
from workbench.services.users import set_active

MakeUser = Callable[..., int]

A0, A1, A2, A3 = (
    "000_b5ddb462525d61c6",
    "001_905ae90385d1da76",
    "002_106eb614b3e40071",
    "003_12a4aa04524d7b45",
)


def _count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Assignment)) or 0


def test_assign_is_idempotent_and_reports_pairs(seeded_db: Database, make_user: MakeUser) -> None:
    admin = make_user("chief", role="admin", password=None)
    make_user("ana", password=None)
    make_user("ben", password=None)
    with seeded_db.write() as session:
        report = assignments.admin_assign(
            session, actor_id=admin, article_ids=[A2, A0, A2], user_names=["ana", "ben"]
        )
    assert report.added == [(A2, "ana"), (A0, "ana"), (A2, "ben"), (A0, "ben")]
    with seeded_db.write() as session:
        again = assignments.assign_articles(session, article_ids=[A0, A1], user_names=["ana"])
    assert (again.added, again.already) == ([(A1, "ana")], [(A0, "ana")])
    assert _count(seeded_db) == 5
    with seeded_db.read() as session:
        rows = assignments.assignment_page(session, actor_id=admin, limit=100).rows
    assert [(r.user_name, r.article_id) for r in rows] == [
        ("ana", A0),
        ("ana", A1),
        ("ana", A2),
        ("ben", A0),
        ("ben", A2),
    ]
    with seeded_db.write() as session:
        assert assignments.admin_unassign(session, actor_id=admin, article_id=A1, user_name="ana")
        assert not assignments.unassign_article(session, article_id=A1, user_name="ana")
    assert _count(seeded_db) == 4


def test_bad_assignments_leave_nothing_behind(seeded_db: Database, make_user: MakeUser) -> None:
    make_user("ana", password=None)
    make_user("gone", password=None)
    with seeded_db.write() as session:
        set_active(session, name="gone", active=False)
    cases = [
        ([A0, "nope"], ["ana"], NotFoundError, "no article with id 'nope'"),
        ([A0], ["ana", "nobody"], NotFoundError, "no account named 'nobody'"),
        ([A0], ["gone"], InputError, "account 'gone' is deactivated"),
        ([], ["ana"], InputError, "at least one article"),
        ([A0], [" "], InputError, "at least one account"),
    ]
    for articles, names, error, message in cases:
        with pytest.raises(error, match=message), seeded_db.write() as session:
            assignments.assign_articles(session, article_ids=articles, user_names=names)
    assert _count(seeded_db) == 0


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_assigning_needs_the_admin_role(
    seeded_db: Database, make_user: MakeUser, role: str
) -> None:
    actor = make_user("someone", role=role, password=None)
    make_user("ana", password=None)
    with pytest.raises(PermissionDeniedError), seeded_db.write() as session:
        assignments.admin_assign(session, actor_id=actor, article_ids=[A0], user_names=["ana"])
    with pytest.raises(PermissionDeniedError), seeded_db.read() as session:
        assignments.assignment_page(session, actor_id=actor, limit=1)
    with pytest.raises(PermissionDeniedError), seeded_db.write() as session:
        assignments.admin_unassign(session, actor_id=actor, article_id=A0, user_name="ana")
    assert _count(seeded_db) == 0


def test_queue_puts_own_assignments_first_with_own_progress(
    seeded_db: Database, make_user: MakeUser
) -> None:
    ana = make_user("ana", password=None)
    ben = make_user("ben", password=None)
    with seeded_db.write() as session:
        assignments.assign_articles(session, article_ids=[A3, A1], user_names=["ana"])
        assignments.assign_articles(session, article_ids=[A2], user_names=["ben"])
        for index in range(3):
            sentence = queries.sentence_at(session, article_id=A1, index=index)
            assert sentence is not None
            record_label(session, user_id=ben, sentence_id=sentence.id, label="unsourced")
        sentence = queries.sentence_at(session, article_id=A1, index=0)
        assert sentence is not None
        record_label(session, user_id=ana, sentence_id=sentence.id, label="not_a_claim")
    with seeded_db.read() as session:
        queue, _ = article_list.article_page(session, user_id=ana, limit=100)
    assert [(p.id, p.assigned) for p in queue][:3] == [(A1, True), (A3, True), (A0, False)]
    assert len(queue) == 5
    progress = {p.id: p.labeled for p in queue}
    assert progress[A1] == 1  # ben's three labels are not counted in ana's progress
    assert sum(progress.values()) == 1
    assert all(p.sentences > 0 for p in queue)
