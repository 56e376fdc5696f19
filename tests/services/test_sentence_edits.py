"""Merging, splitting and flagging sentences: labels, offsets, indexes, counts and the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.article_list import article_page, totals
from workbench.db.engine import Database
from workbench.db.label_counts import recount, stored_counts
from workbench.db.link_index import LinkTerm, SentenceTerm
from workbench.db.models import Annotation, AuditEntry, EvidenceItem, GoldLabel, Sentence, User
from workbench.domain.labels import Evidence
from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.services.adjudicate import adjudicate, disagreement_queue
from workbench.services.agreement import agreement_report, page_agreement
from workbench.services.history import label_history_page
from workbench.services.reviewer_labels import record_label
from workbench.services.sentence_edits import (
    mark_boilerplate,
    merge_sentences,
    split_sentence,
)

MakeUser = Callable[..., int]
A0 = "000_b5ddb462525d61c6"


def _sentence(db: Database, index: int, article: str = A0) -> Sentence:
    with db.read() as session:
        found = queries.sentence_at(session, article_id=article, index=index)
        assert found is not None
        session.expunge(found)
        return found


def _label(db: Database, user: int, index: int, label: str, **extra: object) -> int:
    sid = _sentence(db, index).id
    with db.write() as session:
        return record_label(session, user_id=user, sentence_id=sid, label=label, **extra).id  # type: ignore[arg-type]


def _check_article(db: Database, article_id: str = A0) -> list[Sentence]:
    """Offsets and indexes still hold: body[start:end] == text, indexes 0..n-1, in order."""
    with db.read() as session:
        article = queries.get_article(session, article_id=article_id)
        assert article is not None
        rows = list(article.sentences)
        for position, row in enumerate(rows):
            assert row.index == position
            assert article.body[row.start : row.end] == row.text
            assert row.text.strip() == row.text
        assert all(a.end <= b.start for a, b in zip(rows, rows[1:], strict=False))
        for row in rows:
            session.expunge(row)
        return rows


def _counts_true(db: Database) -> None:
    """The trigger-kept label counts equal a recount that leaves boilerplate sentences out."""
    with db.read() as session:
        flagged = set(session.scalars(select(Sentence.id).where(Sentence.boilerplate.is_(True))))
        assert stored_counts(session) == [
            c for c in recount(session) if c.sentence_id not in flagged
        ]


def _index_true(db: Database) -> None:
    """Every term's sentence count equals its postings."""
    with db.read() as session:
        postings = dict(
            session.execute(
                select(SentenceTerm.term_id, func.count()).group_by(SentenceTerm.term_id)
            ).all()
        )
        for term_id, count in session.execute(select(LinkTerm.id, LinkTerm.sentences)):
            assert postings.get(term_id, 0) == count


def _postings(db: Database, index: int) -> int:
    sid = _sentence(db, index).id
    with db.read() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(SentenceTerm)
                .where(SentenceTerm.sentence_id == sid)
            )
            or 0
        )


def _audit(db: Database, entity: str) -> list[AuditEntry]:
    with db.read() as session:
        rows = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
            )
        )
        for row in rows:
            session.expunge(row)
        return rows


def test_merge_keeps_moves_and_audits_labels(seeded_db: Database, make_user: MakeUser) -> None:
    db = seeded_db
    editor = make_user("ed", role="editor", password=None)
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    before = _check_article(db)
    first, second, later = before[3], before[4], before[6]
    ana_first = _label(db, ana, 3, "unsourced", note="first")
    ana_second = _label(db, ana, 4, "not_a_claim", note="second")
    ben_second = _label(db, ben, 4, "unsourced")
    ana_later = _label(db, ana, 6, "unsourced")
    with db.write() as session:
        adjudicate(
            session, editor_id=editor, sentence_id=second.id, label="unsourced", rationale="r"
        )

    with db.write() as session:
        report = merge_sentences(session, actor_id=editor, article_id=A0, index=3)

    assert (report.kept, report.moved, report.removed) == (1, 2, 1)
    assert report.renumbered == len(before) - 5
    after = _check_article(db)
    assert len(after) == len(before) - 1
    merged = after[3]
    assert merged.id == first.id
    assert (merged.start, merged.end) == (first.start, second.end)
    assert first.text in merged.text and second.text in merged.text
    assert after[5].id == later.id  # untouched sentences keep their rows, one index lower
    with db.read() as session:
        owners = {a.id: (a.sentence_id, a.label) for a in session.scalars(select(Annotation))}
        gold = session.scalars(select(GoldLabel)).one()
        assert gold.sentence_id == merged.id
        assert session.get(Sentence, second.id) is None
    assert owners == {
        ana_first: (merged.id, "unsourced"),
        ben_second: (merged.id, "unsourced"),
        ana_later: (later.id, "unsourced"),
    }
    dropped = [row for row in _audit(db, "annotation") if row.action == "delete"]
    assert len(dropped) == 1 and dropped[0].entity_id == ana_second
    assert dropped[0].sentence_id == merged.id
    assert dropped[0].old is not None and dropped[0].old["label"] == "not_a_claim"
    assert dropped[0].old["note"] == "second"
    assert "merged" in str(dropped[0].old["reason"])
    edit = _audit(db, "sentence")[-1]
    assert (edit.action, edit.actor_id, edit.sentence_id) == ("merge", editor, merged.id)
    assert edit.old is not None and len(edit.old["sentences"]) == 2
    with db.read() as session:
        history = label_history_page(session, actor_id=editor, article_id=A0, index=3, limit=50)
    actions = [(c.kind, c.action) for c in history.changes]
    assert actions[-1] == ("sentence text", "merge")
    assert ("reviewer label", "delete") in actions and ("gold label", "update") in actions
    assert "merged" in history.changes[-1].reason
    _counts_true(db)
    _index_true(db)


def test_split_moves_labels_to_the_audit_trail(seeded_db: Database, make_user: MakeUser) -> None:
    db = seeded_db
    editor = make_user("ed", role="editor", password=None)
    ana = make_user("ana", password=None)
    before = _check_article(db)
    target = before[2]
    at = target.text.index(" ", len(target.text) // 2)
    label_id = _label(db, ana, 2, "unsourced", note="whole")
    untouched = _label(db, ana, 5, "not_a_claim")

    with db.write() as session:
        report = split_sentence(session, actor_id=editor, article_id=A0, index=2, at=at)

    assert (report.kept, report.moved, report.removed) == (0, 0, 1)
    after = _check_article(db)
    assert len(after) == len(before) + 1
    assert after[2].id == target.id and after[2].text == target.text[:at].rstrip()
    assert after[3].text == target.text[at:].lstrip()
    assert (after[2].start, after[3].end) == (target.start, target.end)
    assert after[6].id == before[5].id
    with db.read() as session:
        kept = session.scalars(select(Annotation)).all()
        assert [(a.id, a.sentence_id) for a in kept] == [(untouched, before[5].id)]
    removed = [row for row in _audit(db, "annotation") if row.action == "delete"]
    assert [row.entity_id for row in removed] == [label_id]
    assert removed[0].old is not None and removed[0].old["label"] == "unsourced"
    assert "split" in str(removed[0].old["reason"])
    assert _audit(db, "sentence")[-1].action == "split"
    _counts_true(db)
    _index_true(db)


def test_split_can_keep_labels_on_the_second_part(seeded_db: Database, make_user: MakeUser) -> None:
    db = seeded_db
    ana = make_user("ana", password=None)
    target = _check_article(db)[1]
    at = target.text.index(" ", len(target.text) // 2)
    label_id = _label(db, ana, 1, "unsourced")
    with db.write() as session:
        report = split_sentence(
            session, actor_id=None, article_id=A0, index=1, at=at, keep="second"
        )
    assert report.moved == 1
    second = _sentence(db, 2)
    with db.read() as session:
        assert session.get(Annotation, label_id).sentence_id == second.id  # type: ignore[union-attr]
    moved = _audit(db, "annotation")[-1]
    assert moved.action == "update" and moved.new is not None
    assert moved.new["sentence"] == f"{A0}:2"
    _counts_true(db)


def test_evidence_citing_renumbered_sentences_follows_them(
    seeded_db: Database, make_user: MakeUser
) -> None:
    db = seeded_db
    ana = make_user("ana", password=None)
    with db.read() as session:
        other = next(a for a in queries.all_article_ids(session) if a != A0)
    cite = [
        Evidence(url="https://example.org/a", stance="context", sentence_ref=f"{A0}:7"),
        Evidence(url="https://example.org/b", stance="context", sentence_ref=f"{A0}:2"),
    ]
    sid = _sentence(db, 0, other).id
    with db.write() as session:
        annotation_id = record_label(
            session, user_id=ana, sentence_id=sid, label="unsourced", evidence=cite
        ).id
    with db.write() as session:
        report = merge_sentences(session, actor_id=None, article_id=A0, index=3)
    assert report.references == 1
    with db.read() as session:
        refs = session.scalars(
            select(EvidenceItem.sentence_ref).order_by(EvidenceItem.position)
        ).all()
        stored = session.get(Annotation, annotation_id)
        assert stored is not None
        assert f'"{A0}:6"' in stored.evidence_json and f'"{A0}:2"' in stored.evidence_json
    assert refs == [f"{A0}:6", f"{A0}:2"]
    with db.write() as session:
        split_sentence(session, actor_id=None, article_id=A0, index=1, at=5)
    with db.read() as session:
        refs = session.scalars(
            select(EvidenceItem.sentence_ref).order_by(EvidenceItem.position)
        ).all()
    assert refs == [f"{A0}:7", f"{A0}:3"]


def _figures(session: Session, reviewer: int) -> tuple[int, ...]:
    """Units of the agreement report (all, one reviewer pair), of the page, queue length."""
    editor = session.scalar(select(User.id).where(User.role == "editor"))
    assert editor is not None
    return (
        agreement_report(session)["units"],
        agreement_report(session, reviewers=["ana", "ben"])["units"],
        page_agreement(session, resamples=10).report["units"],
        page_agreement(session, reviewers=["ana", "ben"], resamples=10).report["units"],
        len(disagreement_queue(session, editor_id=editor)),
    )


def test_boilerplate_leaves_progress_agreement_and_queue(
    seeded_db: Database, make_user: MakeUser
) -> None:
    db = seeded_db
    editor = make_user("ed", role="editor", password=None)
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    _label(db, ana, 0, "unsourced")
    _label(db, ben, 0, "not_a_claim")
    _label(db, ana, 1, "unsourced")
    _label(db, ben, 1, "unsourced")
    with db.read() as session:
        assert _figures(session, ana) == (2, 2, 2, 2, 1)
        before = totals(session, user_id=ana)
        listed = article_page(session, user_id=ana, needle=A0, limit=5)[0][0]

    with db.write() as session:
        report = mark_boilerplate(session, actor_id=editor, article_id=A0, index=0)
    assert report.changed
    with db.read() as session:
        assert _sentence(db, 0).boilerplate
        assert _figures(session, ana) == (1, 1, 1, 1, 0)
        after = totals(session, user_id=ana)
        assert (after.sentences, after.labeled) == (before.sentences - 1, before.labeled - 1)
        now = article_page(session, user_id=ana, needle=A0, limit=5)[0][0]
        assert (now.sentences, now.labeled) == (listed.sentences - 1, listed.labeled - 1)
        assert session.scalar(select(func.count(Annotation.id))) == 4  # labels are kept
    _counts_true(db)
    _index_true(db)
    assert _postings(db, 0) == 0  # the linker skips boilerplate
    with db.write() as session:
        again = mark_boilerplate(session, actor_id=editor, article_id=A0, index=0)
    assert not again.changed

    with db.write() as session:
        mark_boilerplate(session, actor_id=editor, article_id=A0, index=0, on=False)
    with db.read() as session:
        assert _figures(session, ana) == (2, 2, 2, 2, 1)
    _counts_true(db)
    _index_true(db)
    assert _postings(db, 0) > 0
    flags = [(row.old, row.new) for row in _audit(db, "sentence")]
    assert [(o or {}).get("boilerplate") for o, _ in flags] == [False, True]


def test_reviewers_cannot_edit_and_nothing_changes(
    seeded_db: Database, make_user: MakeUser
) -> None:
    db = seeded_db
    ana = make_user("ana", password=None)
    before = _check_article(db)
    for edit in (
        lambda s: merge_sentences(s, actor_id=ana, article_id=A0, index=0),
        lambda s: split_sentence(s, actor_id=ana, article_id=A0, index=0, at=3),
        lambda s: mark_boilerplate(s, actor_id=ana, article_id=A0, index=0),
    ):
        with pytest.raises(PermissionDeniedError), db.write() as session:
            edit(session)
    assert [(s.id, s.start, s.end, s.boilerplate) for s in _check_article(db)] == [
        (s.id, s.start, s.end, s.boilerplate) for s in before
    ]
    assert _audit(db, "sentence") == []


def test_bad_edits_are_refused_with_a_clear_message(seeded_db: Database) -> None:
    db = seeded_db
    rows = _check_article(db)
    last = len(rows) - 1
    cases = [
        (lambda s: merge_sentences(s, actor_id=None, article_id=A0, index=last), "last"),
        (lambda s: merge_sentences(s, actor_id=None, article_id="nope", index=0), "no article"),
        (lambda s: merge_sentences(s, actor_id=None, article_id=A0, index=999), f"{A0}:999"),
        (lambda s: split_sentence(s, actor_id=None, article_id=A0, index=0, at=0), "between 1"),
        (
            lambda s: split_sentence(
                s, actor_id=None, article_id=A0, index=0, at=len(rows[0].text)
            ),
            "between 1",
        ),
        (
            lambda s: split_sentence(s, actor_id=None, article_id=A0, index=0, at=2, keep="x"),
            "keep must be",
        ),
    ]
    for edit, message in cases:
        with pytest.raises((InputError, NotFoundError), match=message), db.write() as session:
            edit(session)
    with db.write() as session:
        mark_boilerplate(session, actor_id=None, article_id=A0, index=1)
    with pytest.raises(InputError, match="boilerplate"), db.write() as session:
        merge_sentences(session, actor_id=None, article_id=A0, index=0)
    assert len(_check_article(db)) == len(rows)


def test_a_merge_keeps_the_drafts_typed_on_both_sentences(
    seeded_db: Database, make_user: MakeUser
) -> None:
    """Nothing typed is lost: a draft on the merged-away sentence moves to the merged one."""
    from workbench.db.drafts import draft_for
    from workbench.services import drafts

    editor, ana, ben = make_user("eve", role="editor"), make_user("ana"), make_user("ben")
    first, second = _sentence(seeded_db, 3).id, _sentence(seeded_db, 4).id
    with seeded_db.write() as session:
        drafts.save_note(session, user_id=ana, sentence_id=first, note="on the first")
        drafts.save_note(session, user_id=ana, sentence_id=second, note="on the second")
        drafts.save_note(session, user_id=ben, sentence_id=second, note="ben's only")
    with seeded_db.write() as session:
        merge_sentences(session, actor_id=editor, article_id=A0, index=3)
    with seeded_db.read() as session:
        mine = draft_for(session, user_id=ana, sentence_id=first)
        his = draft_for(session, user_id=ben, sentence_id=first)
        assert mine is not None and mine.note == "on the first\n\non the second"
        assert his is not None and his.note == "ben's only"
