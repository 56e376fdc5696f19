"""Accounts: argon2 hashes, lock-out after five failures, resets, deactivation, admin checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from workbench.db.engine import Database
from workbench.db.models import User, utcnow
from workbench.errors import (
    AccountLockedError,
    AlreadyExistsError,
    AuthenticationError,
    InputError,
    PermissionDeniedError,
)
from workbench.services import users

MakeUser = Callable[..., int]

PASSWORD = "correct horse"  # the make_user fixture's password


def _row(db: Database, name: str) -> User:
    with db.read() as session:
        user = session.scalar(select(User).where(User.name == name))
        assert user is not None
        return user


def test_password_is_stored_as_an_argon2_hash(db: Database, make_user: MakeUser) -> None:
    make_user("ana")
    stored = _row(db, "ana").password_hash
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert users.sign_in(db, name="ana", password=PASSWORD).name == "ana"


def test_unknown_name_and_wrong_password_give_the_same_message(
    db: Database, make_user: MakeUser
) -> None:
    make_user("ana")
    for name, password in (("nobody", PASSWORD), ("ana", "wrong password")):
        with pytest.raises(AuthenticationError) as caught:
            users.sign_in(db, name=name, password=password)
        assert str(caught.value) == "wrong name or password"
        assert not isinstance(caught.value, AccountLockedError)


def test_fifth_failure_locks_for_fifteen_minutes(db: Database, make_user: MakeUser) -> None:
    make_user("ana")
    start = utcnow()
    for attempt in range(1, 5):
        with pytest.raises(AuthenticationError):
            users.sign_in(db, name="ana", password="wrong password", now=start)
        assert _row(db, "ana").failed_logins == attempt
    with pytest.raises(AuthenticationError) as fifth:  # locks, but says nothing of it
        users.sign_in(db, name="ana", password="wrong password", now=start)
    assert not isinstance(fifth.value, AccountLockedError)
    with pytest.raises(AuthenticationError) as wrong:  # locked: a wrong password learns nothing
        users.sign_in(db, name="ana", password="wrong password", now=start)
    assert str(wrong.value) == "wrong name or password"
    assert not isinstance(wrong.value, AccountLockedError)
    with pytest.raises(AccountLockedError, match="try again in 15 minutes"):
        users.sign_in(db, name="ana", password=PASSWORD, now=start)
    locked_until = users.Account.of(_row(db, "ana")).locked_until
    assert locked_until is not None and locked_until - start == timedelta(minutes=15)
    later = start + timedelta(minutes=10, seconds=30)
    with pytest.raises(AccountLockedError, match="try again in 5 minutes"):
        users.sign_in(db, name="ana", password=PASSWORD, now=later)
    after = start + timedelta(minutes=15, seconds=1)
    assert users.sign_in(db, name="ana", password=PASSWORD, now=after).name == "ana"
    row = _row(db, "ana")
    assert (row.failed_logins, row.locked_until) == (0, None)


class _Hasher:
    """The real argon2 hasher, calling ``seen`` with the hash of every check first."""

    def __init__(self, seen: Callable[[str], object]) -> None:
        self._real = PasswordHasher()
        self._seen = seen

    def verify(self, password_hash: str, password: str) -> bool:
        self._seen(password_hash)
        return self._real.verify(password_hash, password)

    def hash(self, password: str) -> str:
        return self._real.hash(password)

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self._real.check_needs_rehash(password_hash)


def test_unknown_wrong_and_locked_do_the_same_work(
    db: Database, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user("ana")
    make_user("bob")
    for _ in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            users.sign_in(db, name="bob", password="wrong password")
    checks: list[str] = []
    monkeypatch.setattr(users, "_hasher", _Hasher(lambda check: checks.append(check)))
    messages = []
    for name in ("nobody", "ana", "bob"):  # unknown, wrong password, locked account
        with pytest.raises(AuthenticationError) as caught:
            users.sign_in(db, name=name, password="wrong password")
        assert not isinstance(caught.value, AccountLockedError)
        messages.append(str(caught.value))
    assert messages == ["wrong name or password"] * 3
    assert len(checks) == 3  # one argon2 check each (a dummy hash for the unknown name)
    assert all(check.startswith("$argon2id$") for check in checks)


def test_password_checks_run_in_a_bounded_pool(
    db: Database, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user("ana")
    users.sign_in(db, name="ana", password=PASSWORD)  # the dummy hash exists from here on
    running: list[int] = []
    peak: list[int] = [0]
    lock = threading.Lock()

    def enter(_: str) -> None:
        with lock:
            running.append(1)
            peak[0] = max(peak[0], len(running))
        time.sleep(0.05)
        with lock:
            running.pop()

    monkeypatch.setattr(users, "_hasher", _Hasher(enter))
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: _try(db, "nobody"), range(8)))
    assert outcomes == ["wrong name or password"] * 8
    assert peak[0] == users.PASSWORD_CHECKS


def _try(db: Database, name: str) -> str:
    try:
        users.sign_in(db, name=name, password="wrong password")
    except AuthenticationError as exc:
        return str(exc)
    return "signed in"


def test_success_resets_the_failure_count(db: Database, make_user: MakeUser) -> None:
    make_user("ana")
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            users.sign_in(db, name="ana", password="wrong password")
    users.sign_in(db, name="ana", password=PASSWORD)
    assert _row(db, "ana").failed_logins == 0
    with pytest.raises(AuthenticationError) as caught:
        users.sign_in(db, name="ana", password="wrong password")
    assert not isinstance(caught.value, AccountLockedError)


def test_password_reset_lifts_the_lock(db: Database, make_user: MakeUser) -> None:
    admin = make_user("chief", role="admin")
    make_user("ana")
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            users.sign_in(db, name="ana", password="wrong password")
    with db.write() as session:
        users.admin_set_password(session, actor_id=admin, name="ana", password="new password 1")
    assert users.sign_in(db, name="ana", password="new password 1").name == "ana"
    with pytest.raises(AuthenticationError):
        users.sign_in(db, name="ana", password=PASSWORD)


def test_deactivated_account_cannot_sign_in_and_keeps_its_row(
    db: Database, make_user: MakeUser
) -> None:
    admin = make_user("chief", role="admin")
    make_user("ana")
    with db.write() as session:
        account = users.admin_set_active(session, actor_id=admin, name="ana", active=False)
    assert account.active is False
    with pytest.raises(AuthenticationError, match="account 'ana' is deactivated; ask an admin"):
        users.sign_in(db, name="ana", password=PASSWORD)
    with db.write() as session:
        users.admin_set_active(session, actor_id=admin, name="ana", active=True)
    assert users.sign_in(db, name="ana", password=PASSWORD).active is True


def test_admin_cannot_deactivate_itself(db: Database, make_user: MakeUser) -> None:
    admin = make_user("chief", role="admin")
    with pytest.raises(PermissionDeniedError, match="your own account"), db.write() as session:
        users.admin_set_active(session, actor_id=admin, name="chief", active=False)
    assert _row(db, "chief").active is True


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_account_admin_needs_the_admin_role(db: Database, make_user: MakeUser, role: str) -> None:
    actor = make_user("someone", role=role)
    make_user("ana")
    calls = [
        lambda s: users.account_page(s, actor_id=actor, limit=1),
        lambda s: users.admin_create_user(
            s, actor_id=actor, name="eve", role="admin", password="long enough"
        ),
        lambda s: users.admin_set_password(s, actor_id=actor, name="ana", password="long enough"),
        lambda s: users.admin_set_active(s, actor_id=actor, name="ana", active=False),
    ]
    for call in calls:
        with pytest.raises(PermissionDeniedError, match="needs the admin role"), db.write() as s:
            call(s)
    with db.read() as session:
        assert [u.name for u in session.scalars(select(User).order_by(User.name))] == [
            "ana",
            "someone",
        ]
    assert _row(db, "ana").active is True
    assert users.sign_in(db, name="ana", password=PASSWORD).name == "ana"


def test_admin_creates_accounts_with_email(db: Database, make_user: MakeUser) -> None:
    admin = make_user("chief", role="admin")
    with db.write() as session:
        users.admin_create_user(
            session,
            actor_id=admin,
            name="ed",
            role="editor",
            password="long enough",
            email=" Ed@Example.org ",
        )
    assert (_row(db, "ed").role, _row(db, "ed").email) == ("editor", "ed@example.org")
    with pytest.raises(AlreadyExistsError, match="already has the e-mail"), db.write() as session:
        users.create_user(session, name="ed2", email="ED@example.org", password="long enough")
    with pytest.raises(InputError, match="bad e-mail address"), db.write() as session:
        users.create_user(session, name="x", email="not-an-address", password="long enough")
    with pytest.raises(InputError, match="at least 8 characters"), db.write() as session:
        users.admin_create_user(
            session, actor_id=admin, name="y", role="reviewer", password="short"
        )
    with db.read() as session:
        assert users.account_for_email(session, email="ED@EXAMPLE.ORG").name == "ed"
        with pytest.raises(AuthenticationError, match="no workbench account has the e-mail"):
            users.account_for_email(session, email="nobody@example.org")


def test_first_admin_only_on_an_empty_database(db: Database) -> None:
    with db.write() as session:
        assert users.create_first_admin(session, name="chief", password="long enough").role == (
            "admin"
        )
    with pytest.raises(AlreadyExistsError), db.write() as session:
        users.create_first_admin(session, name="other", password="long enough")
