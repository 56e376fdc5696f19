"""The paged adjudication queue: keyset pages cover it once in order; filters, total, bulk cap."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from workbench.db.engine import Database
from workbench.db.models import GoldLabel, Sentence
from workbench.domain.labels import LABELS, Label
from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.services.adjudicate import (
    BULK_LIMIT,
    QueueItem,
    adjudicate,
    bulk_accept_unanimous,
    parse_pair,
    queue_page,
    unanimous_remaining,
)
from workbench.services.reviewer_labels import NewLabel, record_labels

REVIEWERS = ("ana", "ben", "cy", "dee")


def _label_everything(db: Database, make_user) -> tuple[int, dict[int, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """Every seed sentence labelled by 2-4 reviewers at random; returns the editor and labels."""
    users = {name: make_user(name, password=None) for name in REVIEWERS}
    editor = make_user("eve", role="editor", password=None)
    rng = random.Random(13)
    given: dict[int, dict[str, str]] = {}
    with db.read() as session:
        sentences = list(session.scalars(select(Sentence.id).order_by(Sentence.id)))
    batch = []
    for sentence_id in sentences:
        truth = rng.choice(LABELS)
        chosen = rng.sample(REVIEWERS, rng.randint(2, 4))
        given[sentence_id] = {
            name: truth if rng.random() < 0.6 else rng.choice(LABELS) for name in chosen
        }
        batch.extend(
            NewLabel(sentence_id, users[name], Label(label))
            for name, label in given[sentence_id].items()
        )
    with db.write() as session:
        record_labels(session, labels=batch)
    return editor, given


def _expected(given: dict[int, dict[str, str]], keep: set[int] | None = None) -> list[int]:
    """Today's order: least agreement, more distinct labels, more labels, sentence id."""
    rows = []
    for sentence_id, labels in given.items():
        values = list(labels.values())
        distinct = len(set(values))
        if distinct < 2 or (keep is not None and sentence_id not in keep):
            continue
        top = max(values.count(label) for label in set(values))
        rows.append((top / len(values), -distinct, -len(values), sentence_id))
    return [row[-1] for row in sorted(rows)]


def _walk(db: Database, editor: int, size: int, **filters: object) -> tuple[list[QueueItem], int]:
    items: list[QueueItem] = []
    after = None
    totals = set()
    while True:
        with db.read() as session:
            page = queue_page(session, editor_id=editor, after=after, limit=size, **filters)  # type: ignore[arg-type]
        assert len(page.items) <= size
        items.extend(page.items)
        totals.add(page.total)
        if page.next_after is None:
            break
        assert len(page.items) == size
        after = page.next_after
    assert len(totals) == 1
    return items, totals.pop()


def test_keyset_pages_cover_the_queue_once_in_order(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    editor, given = _label_everything(seeded_db, make_user)
    expected = _expected(given)
    assert len(expected) > 40
    items, total = _walk(seeded_db, editor, 7)
    assert [item.sentence_id for item in items] == expected
    assert total == len(expected)
    first = items[0]
    assert first.labels == given[first.sentence_id]
    assert sum(first.counts.values()) == len(first.labels)
    shares = [item.top_share for item in items]
    assert shares == sorted(shares)


def test_filters_by_article_and_label_pair(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    editor, given = _label_everything(seeded_db, make_user)
    with seeded_db.read() as session:
        article, *_ = session.scalars(select(Sentence.article_id).order_by(Sentence.id)).all()
        of_article = set(session.scalars(select(Sentence.id).where(Sentence.article_id == article)))
    items, total = _walk(seeded_db, editor, 5, article_id=article)
    assert [item.sentence_id for item in items] == _expected(given, of_article)
    assert total == len(items) > 0
    pair = parse_pair("verified vs disputed")
    both = {
        sid for sid, labels in given.items() if {"verified", "disputed"} <= set(labels.values())
    }
    items, total = _walk(seeded_db, editor, 4, pair=pair)
    assert [item.sentence_id for item in items] == _expected(given, both)
    assert total == len(both) > 0
    items, _ = _walk(seeded_db, editor, 50, pair=pair, article_id=article)
    assert [item.sentence_id for item in items] == _expected(given, both & of_article)
    with seeded_db.read() as session, pytest.raises(NotFoundError, match="no article"):
        queue_page(session, editor_id=editor, article_id="nope")
    with pytest.raises(InputError, match="two different labels"):
        parse_pair("verified vs verified")


def test_adjudicated_sentences_leave_the_open_queue(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    editor, given = _label_everything(seeded_db, make_user)
    expected = _expected(given)
    settled = expected[::3]
    with seeded_db.write() as session:
        for sentence_id in settled:
            adjudicate(
                session, editor_id=editor, sentence_id=sentence_id, label="verified", rationale="r"
            )
    items, total = _walk(seeded_db, editor, 6)
    assert [item.sentence_id for item in items] == [s for s in expected if s not in settled]
    assert total == len(expected) - len(settled)
    everything, total = _walk(seeded_db, editor, 6, include_adjudicated=True)
    assert [item.sentence_id for item in everything] == expected and total == len(expected)
    assert {item.sentence_id for item in everything if item.adjudicated} == set(settled)


def test_bulk_accept_is_capped_and_says_what_remains(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    editor, given = _label_everything(seeded_db, make_user)
    unanimous = sorted(sid for sid, labels in given.items() if len(set(labels.values())) == 1)
    assert len(unanimous) > 10
    with seeded_db.write() as session:
        assert bulk_accept_unanimous(session, editor_id=editor, limit=4) == 4
        assert unanimous_remaining(session, editor_id=editor) == len(unanimous) - 4
    accepted = 4
    while True:
        with seeded_db.write() as session:
            step = bulk_accept_unanimous(session, editor_id=editor, limit=4)
        if not step:
            break
        assert step <= 4
        accepted += step
    assert accepted == len(unanimous)
    assert BULK_LIMIT == 1_000  # what one click of the page accepts at most
    with seeded_db.read() as session:
        rows = session.execute(select(GoldLabel.sentence_id, GoldLabel.label)).all()
        assert unanimous_remaining(session, editor_id=editor) == 0
    assert sorted(rows) == [(sid, next(iter(given[sid].values()))) for sid in unanimous]


def test_the_queue_is_for_editors_only(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    _label_everything(seeded_db, make_user)
    reviewer = make_user("zed", password=None)
    with seeded_db.read() as session, pytest.raises(PermissionDeniedError, match="editor role"):
        queue_page(session, editor_id=reviewer)
    with seeded_db.read() as session, pytest.raises(PermissionDeniedError):
        unanimous_remaining(session, editor_id=reviewer)
