"""No lost writes: many threads and processes saving labels at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry, Sentence
from workbench.services.reviewer_labels import record_label

MakeUser = Callable[..., int]
THREADS = 16
WRITES = 8  # per thread: half on a sentence every thread shares, half on the thread's own


def _sentence_ids(db: Database, count: int) -> list[int]:
    """The ids of the first ``count`` sentences of the seed corpus."""
    with db.read() as session:
        ids = list(session.scalars(select(Sentence.id).order_by(Sentence.id)))
    assert len(ids) >= count
    return ids[:count]


def _save(db: Database, *, user_id: int, sentence_id: int, write: int, tag: str) -> None:
    """One user action: its own write session, as the app and the CLI do."""
    with db.write() as session:
        record_label(
            session,
            user_id=user_id,
            sentence_id=sentence_id,
            label="unsourced" if write % 2 else "not_a_claim",
            note=f"{tag} write {write}",
        )


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as session:
        annotations = session.scalar(select(func.count()).select_from(Annotation)) or 0
        audit = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return annotations, audit


def _assert_chains_intact(db: Database) -> None:
    """Per annotation, each audit row starts from the state the previous one ended in."""
    with db.read() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        final = {
            (a.sentence_id, a.user_id): {"label": a.label, "note": a.note}
            for a in session.scalars(select(Annotation))
        }
    last: dict[tuple[int, int | None], dict[str, object] | None] = {}
    for row in rows:
        key = (row.sentence_id, row.actor_id)
        assert row.old == last.get(key), f"lost update before audit row {row.id}"
        last[key] = row.new
    assert {k: {"label": v["label"], "note": v["note"]} for k, v in last.items() if v} == {
        (s, u): state for (s, u), state in final.items()
    }


def test_sixteen_threads_save_at_once_nothing_lost(
    seeded_db: Database, make_user: MakeUser
) -> None:
    reviewers = [make_user(f"r{i:02d}", password=None) for i in range(THREADS)]
    sentences = _sentence_ids(seeded_db, THREADS + 1)
    shared = sentences[0]
    start = threading.Barrier(THREADS)

    def work(i: int) -> int:
        start.wait()
        for write in range(WRITES):
            target = shared if write % 2 == 0 else sentences[1 + i]
            _save(seeded_db, user_id=reviewers[i], sentence_id=target, write=write, tag=f"t{i}")
        return WRITES

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        done = sum(pool.map(work, range(THREADS)))  # re-raises any error a thread hit
    assert done == THREADS * WRITES
    assert _counts(seeded_db) == (2 * THREADS, THREADS * WRITES)
    with seeded_db.read() as session:
        for i, reviewer in enumerate(reviewers):
            on_shared = queries.annotation_for(session, sentence_id=shared, user_id=reviewer)
            assert on_shared is not None and on_shared.note == f"t{i} write {WRITES - 2}"
            own = queries.annotation_for(session, sentence_id=sentences[1 + i], user_id=reviewer)
            assert own is not None and own.note == f"t{i} write {WRITES - 1}"
    _assert_chains_intact(seeded_db)


def test_same_reviewer_same_sentence_from_two_tabs(
    seeded_db: Database, make_user: MakeUser
) -> None:
    ana = make_user("ana", password=None)
    sentence = _sentence_ids(seeded_db, 1)[0]
    rounds = 10
    start = threading.Barrier(2)

    def tab(name: str) -> None:
        start.wait()
        for write in range(rounds):
            _save(seeded_db, user_id=ana, sentence_id=sentence, write=write, tag=name)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(tab, ["tab A", "tab B"]))
    assert _counts(seeded_db) == (1, 2 * rounds)
    with seeded_db.read() as session:
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        final = queries.annotation_for(session, sentence_id=sentence, user_id=ana)
    assert final is not None
    # The last save wins, and the audit trail holds every save of both tabs.
    assert audit[-1].new is not None and audit[-1].new["note"] == final.note
    notes = sorted(str(row.new["note"]) for row in audit if row.new)
    assert notes == sorted(f"tab {t} write {w}" for t in "AB" for w in range(rounds))
    assert [row.action for row in audit] == ["create"] + ["update"] * (2 * rounds - 1)
    _assert_chains_intact(seeded_db)


def _process_worker(url: str, user_ids: list[int], sentence_ids: list[int], writes: int) -> int:
    """Runs in a spawned process: its own engine, one write session per save."""
    db = Database.from_url(url)
    try:
        for write in range(writes):
            for user_id in user_ids:
                _save(
                    db,
                    user_id=user_id,
                    sentence_id=sentence_ids[write % len(sentence_ids)],
                    write=write,
                    tag=f"p{user_id}",
                )
    finally:
        db.dispose()
    return writes * len(user_ids)


@pytest.mark.slow
def test_several_processes_save_at_once(
    database_url: str, seeded_db: Database, make_user: MakeUser
) -> None:
    processes = 4
    writes = 6
    users = [[make_user(f"p{p}u{u}", password=None) for u in range(2)] for p in range(processes)]
    sentences = _sentence_ids(seeded_db, 3)
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        results = [
            pool.apply_async(_process_worker, (database_url, ids, sentences, writes))
            for ids in users
        ]
        done = sum(result.get(timeout=240) for result in results)
    assert done == processes * 2 * writes
    # each account ends with one annotation per sentence it touched; every save is audited
    assert _counts(seeded_db) == (processes * 2 * len(sentences), done)
    _assert_chains_intact(seeded_db)


def test_two_first_visitors_create_one_first_admin(db: Database) -> None:
    from workbench.errors import AlreadyExistsError
    from workbench.services.users import create_first_admin

    start = threading.Barrier(2)

    def visitor(name: str) -> str:
        start.wait()
        try:
            with db.write() as session:
                create_first_admin(session, name=name, password="long enough")
        except AlreadyExistsError:
            return "refused"
        return "created"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(visitor, ["first", "second"]))
    assert outcomes == ["created", "refused"]
    with db.read() as session:
        assert queries.count_users(session) == 1


def _lockout_race(db: Database, attempts: int) -> tuple[list[str], int]:
    """``attempts`` wrong sign-ins at once; the outcomes and how many hashes were checked."""
    from workbench.errors import AccountLockedError, AuthenticationError
    from workbench.services import users

    checked: list[int] = []
    real_verify = users._verify

    def counting_verify(password_hash: str | None, password: str) -> bool:
        if password_hash is not None:
            checked.append(1)
        return real_verify(password_hash, password)

    start = threading.Barrier(attempts)

    def attempt(i: int) -> str:
        start.wait()
        try:
            users.sign_in(db, name="ana", password=f"wrong guess {i}")
        except AccountLockedError:
            return "locked"
        except AuthenticationError:
            return "wrong"
        return "signed in"

    users._verify = counting_verify  # type: ignore[assignment]
    try:
        with ThreadPoolExecutor(max_workers=attempts) as pool:
            outcomes = sorted(pool.map(attempt, range(attempts)))
    finally:
        users._verify = real_verify  # type: ignore[assignment]
    return outcomes, len(checked)


def test_sixteen_sign_ins_at_once_lock_after_exactly_five_failures(
    db: Database, make_user: MakeUser
) -> None:
    from workbench.db.models import User
    from workbench.errors import AccountLockedError
    from workbench.services import users

    make_user("ana")
    outcomes, checked = _lockout_race(db, THREADS)
    # The fifth failure locks; every attempt gets the same refusal after the same work, so
    # neither the message nor its timing says that the account exists or is locked.
    assert outcomes == ["wrong"] * THREADS
    assert checked == THREADS
    with db.read() as session:
        ana = session.scalar(select(User).where(User.name == "ana"))
        assert ana is not None and ana.locked_until is not None
    with pytest.raises(AccountLockedError):  # told only with the right password
        users.sign_in(db, name="ana", password="correct horse")


def _evidence_race(db: Database, *, user_id: int, sentence_id: int, additions: int) -> None:
    """``additions`` evidence items added to one label by THREADS threads at once."""
    from workbench.domain.labels import Evidence
    from workbench.services import reviewer_labels

    go = threading.Event()

    def add(i: int) -> None:
        go.wait()
        item = Evidence(url=f"https://example.org/e{i}", quote=f"quote {i}", stance="context")
        with db.write() as session:
            reviewer_labels.add_evidence(
                session, user_id=user_id, sentence_id=sentence_id, item=item
            )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(add, i) for i in range(additions)]
        go.set()
        for future in futures:
            future.result()


def test_forty_evidence_additions_at_once_store_forty_items(
    seeded_db: Database, make_user: MakeUser
) -> None:
    from workbench.services import reviewer_labels

    ana = make_user("ana", password=None)
    sentence = _sentence_ids(seeded_db, 1)[0]
    with seeded_db.write() as session:
        reviewer_labels.set_verdict(session, user_id=ana, sentence_id=sentence, label="unsourced")
    _evidence_race(seeded_db, user_id=ana, sentence_id=sentence, additions=40)
    with seeded_db.read() as session:
        state = reviewer_labels.label_state(session, user_id=ana, sentence_id=sentence)
    assert state is not None
    assert sorted(item.url for item in state.evidence) == sorted(
        f"https://example.org/e{i}" for i in range(40)
    )
    assert _counts(seeded_db) == (1, 41)  # the create and forty updates
    _assert_chains_intact(seeded_db)


def test_notes_and_evidence_edited_at_once_keep_each_other(
    seeded_db: Database, make_user: MakeUser
) -> None:
    from workbench.domain.labels import Evidence
    from workbench.services import reviewer_labels

    ana = make_user("ana", password=None)
    sentence = _sentence_ids(seeded_db, 1)[0]
    with seeded_db.write() as session:
        reviewer_labels.set_verdict(session, user_id=ana, sentence_id=sentence, label="unsourced")
    go = threading.Event()

    def edit(i: int) -> None:
        go.wait()
        with seeded_db.write() as session:
            if i % 2:
                reviewer_labels.set_note(
                    session, user_id=ana, sentence_id=sentence, note=f"note {i}"
                )
            else:
                item = Evidence(url=f"https://example.org/e{i}", stance="context")
                reviewer_labels.add_evidence(session, user_id=ana, sentence_id=sentence, item=item)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(edit, i) for i in range(32)]
        go.set()
        for future in futures:
            future.result()
    with seeded_db.read() as session:
        state = reviewer_labels.label_state(session, user_id=ana, sentence_id=sentence)
    assert state is not None and len(state.evidence) == 16
    assert state.note in {f"note {i}" for i in range(1, 32, 2)}
    _assert_chains_intact(seeded_db)
