"""Drafts: a note and an evidence form typed before they are saved are kept, then stored."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.migrate import alembic_config, upgrade
from workbench.db.models import AuditEntry, LabelDraft, Sentence, User
from workbench.domain.labels import Evidence, Label
from workbench.errors import InputError, NotFoundError
from workbench.services import drafts, reviewer_labels
from workbench.services.reviewer_labels import record_label

ARTICLE = "000_b5ddb462525d61c6"


def _sid(db: Database, index: int = 0) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert sentence is not None
        return sentence.id


def _rows(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(LabelDraft)) or 0)


def _audit(db: Database) -> list[str]:
    with db.read() as session:
        return [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_note_on_an_unlabeled_sentence_is_a_draft_until_the_label(
    seeded_db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    with seeded_db.write() as s:
        assert drafts.save_note(s, user_id=ana, sentence_id=sid, note="figures differ") is False
    with seeded_db.read() as s:  # a new session (a reload) finds it
        assert drafts.draft_of(s, user_id=ana, sentence_id=sid) == drafts.Draft("figures differ")
        assert reviewer_labels.label_state(s, user_id=ana, sentence_id=sid) is None
    assert _audit(seeded_db) == []  # a draft is not a label
    with seeded_db.write() as s:  # the label click, with no note given, takes the draft's
        saved = drafts.choose_label(s, user_id=ana, sentence_id=sid, label="unsourced")
    assert saved == reviewer_labels.LabelState(Label.UNSOURCED, "figures differ", ())
    assert _rows(seeded_db) == 0  # stored with the label, the draft is gone
    with seeded_db.write() as s:  # a note on a labeled sentence goes on the label
        assert drafts.save_note(s, user_id=ana, sentence_id=sid, note="checked") is True
    with seeded_db.read() as s:
        state = reviewer_labels.label_state(s, user_id=ana, sentence_id=sid)
        assert state is not None and state.note == "checked"
    assert _rows(seeded_db) == 0
    assert _audit(seeded_db) == ["create", "update"]


def test_the_note_being_typed_wins_over_the_draft(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    with seeded_db.write() as s:
        drafts.save_note(s, user_id=ana, sentence_id=sid, note="first thought")
    with seeded_db.write() as s:
        saved = drafts.choose_label(s, user_id=ana, sentence_id=sid, label="verified", note="final")
    assert saved.note == "final"
    assert _rows(seeded_db) == 0


def test_evidence_form_is_kept_through_the_label_until_its_item_is_added(
    seeded_db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    form = {"url": "https://example.org/r", "quote": "half a", "stance": "refutes"}
    with seeded_db.write() as s:
        drafts.save_note(s, user_id=ana, sentence_id=sid, note="n")
        drafts.keep_draft(s, user_id=ana, sentence_id=sid, form=form)
    with seeded_db.read() as s:
        assert drafts.draft_of(s, user_id=ana, sentence_id=sid) == drafts.Draft("n", form)
    with seeded_db.write() as s:
        saved = drafts.choose_label(s, user_id=ana, sentence_id=sid, label="disputed")
    assert (saved.note, saved.evidence) == ("n", ())  # an unfinished item is never added
    with seeded_db.read() as s:  # the note left the draft, the form stayed
        assert drafts.draft_of(s, user_id=ana, sentence_id=sid) == drafts.Draft("", form)
    item = Evidence(url="https://example.org/r", quote="half a", stance="refutes")
    with seeded_db.write() as s:
        saved = drafts.add_form_evidence(s, user_id=ana, sentence_id=sid, item=item)
    assert saved.evidence == (item,)
    assert _rows(seeded_db) == 0


def test_a_stance_alone_is_no_draft_and_an_emptied_draft_is_deleted(
    seeded_db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    with seeded_db.write() as s:
        stance_only = {"stance": "refutes"}
        assert drafts.keep_draft(s, user_id=ana, sentence_id=sid, form=stance_only) is None
    assert _rows(seeded_db) == 0
    with seeded_db.write() as s:
        drafts.keep_draft(s, user_id=ana, sentence_id=sid, note="x", form={"quote": "q"})
        drafts.keep_draft(s, user_id=ana, sentence_id=sid, note="")
    assert _rows(seeded_db) == 1
    with seeded_db.write() as s:
        assert drafts.keep_draft(s, user_id=ana, sentence_id=sid, form={}) is None
    assert _rows(seeded_db) == 0


def test_one_draft_row_per_reviewer_and_sentence(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, bob = make_user("ana"), make_user("bob")
    first, second = _sid(seeded_db, 0), _sid(seeded_db, 1)
    for note in ("a", "ab", "abc"):
        with seeded_db.write() as s:
            drafts.save_note(s, user_id=ana, sentence_id=first, note=note)
    with seeded_db.write() as s:
        drafts.save_note(s, user_id=ana, sentence_id=second, note="other sentence")
        drafts.save_note(s, user_id=bob, sentence_id=first, note="bob's own")
    assert _rows(seeded_db) == 3
    with seeded_db.read() as s:
        assert drafts.draft_of(s, user_id=ana, sentence_id=first) == drafts.Draft("abc")
        assert drafts.draft_of(s, user_id=bob, sentence_id=first) == drafts.Draft("bob's own")


def test_two_tabs_keeping_the_same_draft_at_once_leave_one_row(
    seeded_db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def keep(note: str) -> None:
        try:
            barrier.wait()
            with seeded_db.write() as s:
                drafts.keep_draft(s, user_id=ana, sentence_id=sid, note=note)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=keep, args=(f"tab {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _rows(seeded_db) == 1


def test_clearing_a_label_puts_its_note_back_into_the_draft(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    with seeded_db.write() as s:
        drafts.choose_label(s, user_id=ana, sentence_id=sid, label="unsourced", note="keep me")
    with seeded_db.write() as s:
        assert drafts.clear_label(s, user_id=ana, sentence_id=sid) is True
    with seeded_db.read() as s:
        assert reviewer_labels.label_state(s, user_id=ana, sentence_id=sid) is None
        assert drafts.draft_of(s, user_id=ana, sentence_id=sid) == drafts.Draft("keep me")
    assert _audit(seeded_db) == ["create", "delete"]


def test_bad_drafts_are_refused_with_what_was_wrong(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    with pytest.raises(InputError, match="note is 10,001 characters long"), seeded_db.write() as s:
        drafts.save_note(s, user_id=ana, sentence_id=sid, note="n" * 10_001)
    with pytest.raises(InputError, match="evidence quote is 10,001"), seeded_db.write() as s:
        drafts.keep_draft(s, user_id=ana, sentence_id=sid, form={"quote": "q" * 10_001})
    with pytest.raises(InputError, match="unknown evidence form field"), seeded_db.write() as s:
        drafts.keep_draft(s, user_id=ana, sentence_id=sid, form={"colour": "red"})
    with pytest.raises(NotFoundError, match="no sentence with id"), seeded_db.write() as s:
        drafts.keep_draft(s, user_id=ana, sentence_id=10**9, note="x")
    assert _rows(seeded_db) == 0


def test_drafts_go_with_their_sentence_and_account(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    with seeded_db.write() as s:
        drafts.save_note(s, user_id=ana, sentence_id=sid, note="x")
        drafts.save_note(s, user_id=ana, sentence_id=_sid(seeded_db, 1), note="y")
    with seeded_db.write() as s:
        sentence = s.get(Sentence, sid)
        assert sentence is not None
        s.delete(sentence)
    assert _rows(seeded_db) == 1
    with seeded_db.write() as s:
        user = s.get(User, ana)
        assert user is not None
        s.delete(user)
    assert _rows(seeded_db) == 0


def test_migration_0012_creates_and_drops_the_drafts_table(db: Database) -> None:
    config = alembic_config(db.engine)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    assert "drafts" not in inspect(db.engine).get_table_names()
    upgrade(db.engine)
    inspector = inspect(db.engine)
    assert "drafts" in inspector.get_table_names()
    unique = {tuple(c["column_names"]) for c in inspector.get_unique_constraints("drafts")}
    assert ("user_id", "sentence_id") in unique


def test_a_draft_note_left_by_a_label_made_elsewhere_joins_the_note(
    seeded_db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db)
    with seeded_db.write() as s:
        drafts.save_note(s, user_id=ana, sentence_id=sid, note="typed in one tab")
    with pytest.raises(InputError, match="choose a label"), seeded_db.write() as s:
        drafts.use_draft_note(s, user_id=ana, sentence_id=sid)
    with seeded_db.write() as s:  # another path labels it, with a note of its own
        record_label(s, user_id=ana, sentence_id=sid, label="unsourced", note="imported")
    with seeded_db.write() as s:
        saved = drafts.use_draft_note(s, user_id=ana, sentence_id=sid)
    assert saved.note == "imported\n\ntyped in one tab"
    assert _rows(seeded_db) == 0
