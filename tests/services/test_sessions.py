"""Server-side sessions: hashed tokens, one-time hand-over codes, idle and absolute expiry,
and every way a session ends (sign-out, password reset, role change, deactivation)."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench import config
from workbench.config import SessionSettings
from workbench.db.engine import Database
from workbench.db.models import WebSession, utcnow
from workbench.keyfile import read_or_create
from workbench.services import sessions
from workbench.services.users import set_active, set_password, set_role

SECRET = b"k" * 64
SETTINGS = SessionSettings(idle_seconds=30 * 60, lifetime_seconds=8 * 3600)


def _start(db: Database, user_id: int, now=None) -> sessions.NewSession:  # type: ignore[no-untyped-def]
    with db.write() as session:
        return sessions.start_session(
            session, user_id=user_id, secret=SECRET, settings=SETTINGS, now=now
        )


def _resolve(db: Database, token: str, now=None):  # type: ignore[no-untyped-def]
    return sessions.resolve(db, token=token, settings=SETTINGS, now=now)


def _rows(db: Database) -> list[WebSession]:
    with db.read() as session:
        return list(session.scalars(select(WebSession)))


def test_only_hashes_are_stored_and_the_token_finds_its_account(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    new = _start(db, ana)
    assert new.token != new.code and len(new.token) == 43 and len(new.code) == 43
    [row] = _rows(db)
    assert row.token_hash == sessions.hash_secret(new.token)
    assert row.start_code_hash == sessions.hash_secret(new.code)
    assert new.token not in (row.token_hash, row.start_code_hash)
    account = _resolve(db, new.token)
    assert account is not None and (account.id, account.name) == (ana, "ana")
    assert _resolve(db, new.token[:-1] + ("A" if new.token[-1] != "A" else "B")) is None
    assert _resolve(db, "") is None and _resolve(db, "x" * 500) is None


def test_the_code_gives_the_token_once_and_only_within_a_minute(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    new = _start(db, ana)
    with db.write() as session:
        assert sessions.redeem_code(session, secret=SECRET, code=new.code) == new.token
    with db.write() as session:
        assert sessions.redeem_code(session, secret=SECRET, code=new.code) is None
    assert _rows(db)[0].start_code_hash is None

    late = _start(db, ana, now=utcnow() - timedelta(seconds=61))
    with db.write() as session:
        assert sessions.redeem_code(session, secret=SECRET, code=late.code) is None
        other = _start_in(session, ana)
        assert sessions.redeem_code(session, secret=b"o" * 64, code=other.code) is None
        assert sessions.redeem_code(session, secret=SECRET, code="") is None


def _start_in(session, user_id: int) -> sessions.NewSession:  # type: ignore[no-untyped-def]
    return sessions.start_session(session, user_id=user_id, secret=SECRET, settings=SETTINGS)


def test_idle_sessions_end_and_use_keeps_them_alive(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    start = utcnow()
    new = _start(db, ana, now=start)
    assert _resolve(db, new.token, now=start + timedelta(seconds=30)) is not None
    assert _rows(db)[0].last_used_at == _rows(db)[0].created_at  # written at most once a minute
    assert _resolve(db, new.token, now=start + timedelta(minutes=29)) is not None
    assert _resolve(db, new.token, now=start + timedelta(minutes=58)) is not None  # used at 29
    assert _resolve(db, new.token, now=start + timedelta(minutes=89)) is None  # idle 31 minutes
    assert _rows(db) == []  # an ended session is deleted


def test_sessions_end_after_their_lifetime_however_busy(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    start = utcnow()
    new = _start(db, ana, now=start)
    for minutes in range(20, 8 * 60, 20):
        assert _resolve(db, new.token, now=start + timedelta(minutes=minutes)) is not None
    assert _resolve(db, new.token, now=start + timedelta(hours=8)) is None
    assert _rows(db) == []


def test_sign_out_ends_only_that_session(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    first, second = _start(db, ana), _start(db, ana)
    with db.write() as session:
        assert sessions.end_session(session, token=first.token)
        assert not sessions.end_session(session, token=first.token)
    assert _resolve(db, first.token) is None
    assert _resolve(db, second.token) is not None


def test_password_role_and_deactivation_end_every_session_of_the_account(
    db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana, bob = make_user("ana"), make_user("bob")
    make_user("chief", role="admin")
    bobs = _start(db, bob)
    for change in (
        lambda session: set_password(session, name="ana", password="another horse"),
        lambda session: set_role(session, name="ana", role="editor"),
        lambda session: set_active(session, name="ana", active=False),
    ):
        tokens = [_start(db, ana).token for _ in range(2)]
        assert all(_resolve(db, token) is not None for token in tokens)
        with db.write() as session:
            change(session)
        assert [_resolve(db, token) for token in tokens] == [None, None]
    with db.write() as session:
        set_active(session, name="ana", active=True)
    assert _resolve(db, tokens[0]) is None  # reactivating brings no session back
    assert _resolve(db, bobs.token) is not None  # other accounts keep theirs


def test_a_role_change_to_the_same_role_keeps_sessions(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    new = _start(db, ana)
    with db.write() as session:
        set_role(session, name="ana", role="reviewer")
    assert _resolve(db, new.token) is not None


def test_session_settings_come_from_the_environment() -> None:
    assert SessionSettings.from_env({}) == SessionSettings(
        idle_seconds=120 * 60,
        lifetime_seconds=8 * 3600,
        address_failures=20,
        address_window_seconds=15 * 60,
    )
    values = {
        config.SESSION_IDLE_ENV: "15",
        config.SESSION_LIFETIME_ENV: "2",
        config.LOGIN_ADDRESS_FAILURES_ENV: "5",
        config.LOGIN_ADDRESS_WINDOW_ENV: "30",
    }
    assert SessionSettings.from_env(values) == SessionSettings(900, 7200, 5, 1800)
    with pytest.raises(config.InputError, match="WORKBENCH_SESSION_IDLE_MINUTES must be"):
        SessionSettings.from_env({config.SESSION_IDLE_ENV: "0"})
    with pytest.raises(config.InputError, match="WORKBENCH_SESSION_LIFETIME_HOURS must be"):
        SessionSettings.from_env({config.SESSION_LIFETIME_ENV: "eight"})


def test_key_file_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "db" / "session.key"
    key = read_or_create(path)
    assert len(key) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create(path) == key


def test_key_file_lives_next_to_the_sqlite_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(config.SESSION_KEY_FILE_ENV, raising=False)
    url = f"sqlite:///{tmp_path / 'data' / 'workbench.db'}"
    assert config.session_key_file(url) == tmp_path / "data" / "session.key"
    assert config.session_key_file("postgresql+psycopg://u@h/db") == Path("db") / "session.key"
    monkeypatch.setenv(config.SESSION_KEY_FILE_ENV, str(tmp_path / "elsewhere.key"))
    assert config.session_key_file(url) == tmp_path / "elsewhere.key"


def test_a_sign_in_deletes_sessions_that_ended_unnoticed(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, bob = make_user("ana"), make_user("bob")
    now = utcnow()
    _start(db, bob, now=now - timedelta(hours=9))  # past its lifetime, never used again
    _start(db, bob, now=now - timedelta(minutes=31))  # idle past the 30 minutes
    live = _start(db, bob, now=now - timedelta(minutes=5))
    _start(db, ana, now=now)
    assert sorted(row.user_id for row in _rows(db)) == sorted([ana, bob])
    assert _resolve(db, live.token, now=now) is not None
