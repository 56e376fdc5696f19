"""Who has labeled: every account with a label on a sentence to label, whatever its id."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update

from workbench.db import agreement_queries as aq
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Sentence
from workbench.services.reviewer_labels import record_label

ARTICLE = "001_905ae90385d1da76"


def _label(db: Database, user: int, article: str, index: int) -> int:
    with db.write() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        record_label(session, user_id=user, sentence_id=sentence.id, label="unsourced")
        return sentence.id


def test_reviewers_with_labels_skip_accounts_without_and_boilerplate_only(
    seeded_db: Database, make_user: Callable[..., int]
) -> None:
    ana, idle, ben, flagged_only, eve = (
        make_user(name) for name in ("ana", "idle", "ben", "flagged", "eve")
    )
    with seeded_db.read() as session:
        other = queries.all_article_ids(session)[2]
    _label(seeded_db, ana, ARTICLE, 0)
    _label(seeded_db, ben, other, 1)
    flagged = _label(seeded_db, flagged_only, ARTICLE, 2)
    _label(seeded_db, eve, ARTICLE, 2)
    _label(seeded_db, eve, other, 3)
    with seeded_db.write() as session:
        session.execute(update(Sentence).where(Sentence.id == flagged).values(boilerplate=True))
    with seeded_db.read() as session:
        everyone = aq.labeling_reviewers(session)
        in_article = aq.labeling_reviewers(session, article_id=ARTICLE)
        in_other = aq.labeling_reviewers(session, article_id=other)
    assert sorted(everyone) == [(ana, "ana"), (ben, "ben"), (eve, "eve")]
    assert idle not in {uid for uid, _ in everyone}
    assert sorted(in_article) == [(ana, "ana")]
    assert sorted(in_other) == [(ben, "ben"), (eve, "eve")]


def test_no_labels_no_reviewers(seeded_db: Database, make_user: Callable[..., int]) -> None:
    make_user("ana")
    with seeded_db.read() as session:
        assert aq.labeling_reviewers(session) == []
