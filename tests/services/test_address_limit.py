"""Failed sign-ins limited per client address: the same message for everything past the limit."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from workbench.config import SessionSettings
from workbench.db.engine import Database
from workbench.db.models import LoginFailure, User, utcnow
from workbench.errors import AuthenticationError
from workbench.services import users

MakeUser = Callable[..., int]
PASSWORD = "correct horse"  # the make_user fixture's password
LIMITS = SessionSettings(address_failures=3, address_window_seconds=600)
ADDRESS = "203.0.113.7"


def _sign_in(db: Database, name: str, password: str, address: str = ADDRESS, now=None):  # type: ignore[no-untyped-def]
    return users.sign_in(db, name=name, password=password, address=address, limits=LIMITS, now=now)


def _refused(db: Database, name: str, password: str, **kwargs: object) -> str:
    with pytest.raises(AuthenticationError) as caught:
        _sign_in(db, name, password, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


def test_an_address_past_the_limit_gets_the_generic_message_until_the_window_passes(
    db: Database, make_user: MakeUser
) -> None:
    make_user("ana")
    make_user("bob")
    start = utcnow()
    # Guesses spread over several names (and an unknown one) count against the one address.
    for name in ("ana", "bob", "nobody"):
        assert _refused(db, name, "wrong password", now=start) == users.WRONG_CREDENTIALS
    assert _refused(db, "ana", PASSWORD, now=start) == users.WRONG_CREDENTIALS
    assert _refused(db, "bob", PASSWORD, now=start + timedelta(minutes=9)) == (
        users.WRONG_CREDENTIALS
    )
    assert _sign_in(db, "ana", PASSWORD, address="198.51.100.1", now=start).name == "ana"
    assert _sign_in(db, "ana", PASSWORD, now=start + timedelta(minutes=11)).name == "ana"
    with db.read() as session:
        # bob's one wrong guess counts; the attempt the address limit refused does not.
        assert session.scalar(select(User.failed_logins).where(User.name == "bob")) == 1


def test_a_success_does_not_reset_the_count_of_the_address(
    db: Database, make_user: MakeUser
) -> None:
    make_user("ana")
    now = utcnow()
    _refused(db, "ana", "wrong password", now=now)
    _refused(db, "ana", "wrong password", now=now)
    assert _sign_in(db, "ana", PASSWORD, now=now).name == "ana"
    _refused(db, "ana", "wrong password", now=now)
    assert _refused(db, "ana", PASSWORD, now=now) == users.WRONG_CREDENTIALS
    with db.read() as session:
        row = session.scalar(select(LoginFailure).where(LoginFailure.address == ADDRESS))
        assert row is not None and row.failures == 3


def test_concurrent_failures_from_one_address_are_all_counted(
    db: Database, make_user: MakeUser
) -> None:
    make_user("ana")
    limits = SessionSettings(address_failures=50, address_window_seconds=600)

    def attempt(_: int) -> None:
        with pytest.raises(AuthenticationError):
            users.sign_in(db, name="nobody", password="x" * 8, address=ADDRESS, limits=limits)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(attempt, range(8)))
    with db.read() as session:
        row = session.scalar(select(LoginFailure).where(LoginFailure.address == ADDRESS))
        assert row is not None and row.failures == 8


def test_without_an_address_only_the_account_limit_applies(
    db: Database, make_user: MakeUser
) -> None:
    make_user("ana")
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            users.sign_in(db, name="ana", password="wrong password", limits=LIMITS)
    assert users.sign_in(db, name="ana", password=PASSWORD, limits=LIMITS).name == "ana"
    with db.read() as session:
        assert session.scalars(select(LoginFailure)).all() == []


def test_addresses_whose_window_passed_are_forgotten(db: Database, make_user: MakeUser) -> None:
    make_user("ana")
    start = utcnow()
    _refused(db, "ana", "wrong password", address="198.51.100.9", now=start)
    _refused(db, "ana", "wrong password", now=start + timedelta(minutes=11))
    with db.read() as session:
        assert [row.address for row in session.scalars(select(LoginFailure))] == [ADDRESS]
