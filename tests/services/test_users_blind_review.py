"""Blind review: every reviewer-facing query and service returns only the caller's own data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from workbench.db import article_list, queries
from workbench.db.engine import Database
from workbench.domain.labels import Evidence
from workbench.errors import PermissionDeniedError
from workbench.services import assignments, history, reviewer_labels, users

MakeUser = Callable[..., int]
A0 = "000_b5ddb462525d61c6"


def test_reviewer_queries_return_only_own_labels_notes_and_evidence(
    seeded_db: Database, make_user: MakeUser
) -> None:
    from workbench.services.reviewer_labels import record_label

    ana = make_user("ana", password=None)
    ben = make_user("ben", password=None)
    with seeded_db.write() as session:
        s0 = queries.sentence_at(session, article_id=A0, index=0)
        s1 = queries.sentence_at(session, article_id=A0, index=1)
        assert s0 is not None and s1 is not None
        ben_evidence = Evidence(url="https://example.org/ben", quote="ben's", stance="refutes")
        record_label(session, user_id=ana, sentence_id=s0.id, label="unsourced", note="ana note")
        record_label(
            session,
            user_id=ben,
            sentence_id=s0.id,
            label="disputed",
            note="ben note",
            evidence=[ben_evidence],
        )
        record_label(session, user_id=ben, sentence_id=s1.id, label="not_a_claim", note="ben 2")
    with seeded_db.read() as session:
        assert queries.label_map(session, user_id=ana, article_id=A0) == {0: "unsourced"}
        mine = queries.annotation_for(session, sentence_id=s0.id, user_id=ana)
        assert mine is not None and (mine.note, mine.evidence) == ("ana note", [])
        assert queries.annotation_for(session, sentence_id=s1.id, user_id=ana) is None
        state = reviewer_labels.label_state(session, user_id=ana, sentence_id=s0.id)
        assert state is not None and (state.note, state.evidence) == ("ana note", ())
        assert reviewer_labels.label_state(session, user_id=ana, sentence_id=s1.id) is None
        progress = {
            p.id: p.labeled for p in article_list.article_page(session, user_id=ana, limit=100)[0]
        }
        assert progress[A0] == 1 and sum(progress.values()) == 1
        ben_progress = {
            p.id: p.labeled for p in article_list.article_page(session, user_id=ben, limit=100)[0]
        }
        assert ben_progress[A0] == 2


def test_reviewers_are_refused_every_view_of_other_labels(
    seeded_db: Database, make_user: MakeUser
) -> None:
    ana = make_user("ana", password=None)
    with seeded_db.read() as session:
        with pytest.raises(PermissionDeniedError):
            history.label_history_page(session, actor_id=ana, article_id=A0, index=0, limit=100)
        with pytest.raises(PermissionDeniedError):
            users.account_page(session, actor_id=ana, limit=1)
        with pytest.raises(PermissionDeniedError):
            assignments.assignment_page(session, actor_id=ana, limit=1)
