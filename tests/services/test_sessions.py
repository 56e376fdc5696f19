"""Signed session tokens: make, verify, tampering, expiry, other secret, password reset."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from workbench import config
from workbench.db.engine import Database
from workbench.keyfile import read_or_create
from workbench.services import sessions
from workbench.services.users import set_active, set_password

SECRET = b"k" * 64
HOUR = 3600.0
NOW = 1_800_000_000.0


def _token(stamp: str = "s1", issued_at: float = NOW) -> str:
    return sessions.make_token(SECRET, user_id=7, issued_at=int(issued_at), stamp=stamp)


def _valid(token: str, *, secret: bytes = SECRET, stamp: str = "s1", now: float = NOW) -> bool:
    return sessions.token_valid(secret, token, stamp=stamp, now=now, max_age=8 * HOUR)


def test_token_shape_and_round_trip() -> None:
    token = _token()
    user_id, issued_at, signature = token.split(".")
    assert (user_id, issued_at) == ("7", str(int(NOW))) and len(signature) == 64
    assert sessions.parse_token(token) == (7, int(NOW))
    assert _valid(token)
    assert _valid(token, now=NOW + 8 * HOUR - 1)


@pytest.mark.parametrize(
    "tampered",
    [
        "8" + _token()[1:],  # another user id
        _token().replace(str(int(NOW)), str(int(NOW) + 100)),  # a later issue time
        _token()[:-1] + ("0" if _token()[-1] != "0" else "1"),  # signature changed
        "7.abc.def",
        "",
        "7.1.2.3",
    ],
)
def test_tampered_tokens_are_refused(tampered: str) -> None:
    assert not _valid(tampered)


def test_expired_other_secret_and_changed_password_are_refused() -> None:
    token = _token()
    assert not _valid(token, now=NOW + 8 * HOUR)  # the session limit
    assert not _valid(token, secret=b"another secret")
    assert not _valid(token, stamp="s2")  # the password hash changed
    assert not _valid(_token(issued_at=NOW + HOUR))  # issued in the future


def test_password_stamp_hides_the_hash() -> None:
    stamp = sessions.password_stamp("$argon2id$v=19$m=65536,t=3,p=4$salt$hash")
    assert len(stamp) == 16 and "argon2" not in stamp
    assert sessions.password_stamp(None) == "-"


def test_restore_checks_account_password_and_activity(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana", password="correct horse")
    with db.read() as session:
        token = sessions.issue_token(session, secret=SECRET, user_id=ana, now=NOW)
        restored = sessions.restore(session, secret=SECRET, token=token, now=NOW, max_age=HOUR)
    assert restored is not None
    assert (restored[0].id, restored[0].name, restored[1]) == (ana, "ana", int(NOW))
    assert "correct horse" not in token
    with db.write() as session:
        set_password(session, name="ana", password="another horse")
    with db.read() as session:
        assert sessions.restore(session, secret=SECRET, token=token, now=NOW, max_age=HOUR) is None
        fresh = sessions.issue_token(session, secret=SECRET, user_id=ana, now=NOW)
        assert sessions.restore(session, secret=SECRET, token=fresh, now=NOW, max_age=HOUR)
    with db.write() as session:
        set_active(session, name="ana", active=False)
    with db.read() as session:
        assert sessions.restore(session, secret=SECRET, token=fresh, now=NOW, max_age=HOUR) is None
        ghost = sessions.make_token(SECRET, user_id=9999, issued_at=int(NOW), stamp="-")
        assert sessions.restore(session, secret=SECRET, token=ghost, now=NOW, max_age=HOUR) is None


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
