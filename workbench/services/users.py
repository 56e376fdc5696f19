"""Accounts: creation, argon2 passwords, sign-in with lock-out, reset, roles and deactivation.

Every change to an existing account (role, activation, password reset) is audited.

Functions without ``actor_id`` are operator actions (the command line, run by whoever holds
the database credentials); the app calls the ``admin_*`` variants, which check the role of
the signed-in account first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from workbench.config import SessionSettings
from workbench.db import access_tokens, accounts, logins, queries, web_sessions
from workbench.db.audit import NO_SENTENCE, Change, append_audit
from workbench.db.engine import Database
from workbench.db.models import User, as_utc, utcnow
from workbench.domain.labels import Role
from workbench.domain.text_safety import account_name, lookup_name
from workbench.errors import (
    AccountLockedError,
    AlreadyExistsError,
    AuthenticationError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from workbench.services.address_limit import address_blocked, count_address_failure
from workbench.services.permissions import require_role

MIN_PASSWORD_LENGTH = 8
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
WRONG_CREDENTIALS = "wrong name or password"
PASSWORD_CHECKS = 2  # argon2 takes 64 MiB per check: at most this many run at once
_hasher = PasswordHasher()
_checks = threading.BoundedSemaphore(PASSWORD_CHECKS)
_dummy_hash: list[str] = []


def _hash(password: str) -> str:
    """The argon2 hash of ``password``, computed inside the bounded pool of checks."""
    with _checks:
        return _hasher.hash(password)


@dataclass(frozen=True, slots=True)
class Account:
    """An account as plain data, safe to keep in a browser session (no hash)."""

    id: int
    name: str
    role: Role
    email: str | None
    active: bool
    has_password: bool
    locked_until: datetime | None

    @classmethod
    def of(cls, user: User) -> Account:
        """Plain copy of an ORM user."""
        return cls(
            id=user.id,
            name=user.name,
            role=Role(user.role),
            email=user.email,
            active=user.active,
            has_password=user.password_hash is not None,
            locked_until=as_utc(user.locked_until) if user.locked_until else None,
        )


def check_name(name: str) -> str:
    """The account name ``name`` stands for after NFKC normalisation, or InputError.

    Letters, digits and ``._-`` only, letters of one script, and not a non-Latin name drawn
    like a Latin one; so NUL, zero-width, bidi-override and look-alike characters are refused.
    """
    try:
        return account_name(name)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def check_password(password: str) -> None:
    """Raise InputError when a password is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def check_email(email: str | None) -> str | None:
    """A normalised (stripped, lower-case) e-mail address, None for empty, or InputError."""
    if email is None or not email.strip():
        return None
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or any(ch.isspace() for ch in email) or len(email) > 320:
        raise InputError(f"bad e-mail address {email!r}")
    return email


def _parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise InputError(f"bad role {role!r}; expected reviewer, editor or admin") from exc


def _user_named(session: Session, name: str) -> User:
    user = queries.user_by_name(session, name=lookup_name(name))
    if user is None:
        raise NotFoundError(f"no account named {lookup_name(name)!r}")
    return user


def create_user(
    session: Session,
    *,
    name: str,
    role: Role | str = Role.REVIEWER,
    password: str | None = None,
    email: str | None = None,
) -> User:
    """Create an account; without a password it cannot sign in until one is set."""
    name = check_name(name)
    checked_role = _parse_role(role)
    address = check_email(email)
    if queries.user_by_name(session, name=name) is not None:
        raise AlreadyExistsError(f"account {name!r} already exists")
    if address is not None and accounts.user_by_email(session, email=address) is not None:
        raise AlreadyExistsError(f"another account already has the e-mail {address!r}")
    password_hash = None
    if password is not None:
        check_password(password)
        password_hash = _hash(password)
    user = User(name=name, role=checked_role.value, password_hash=password_hash, email=address)
    session.add(user)
    session.flush()
    return user


def create_first_admin(session: Session, *, name: str, password: str) -> User:
    """Create the first admin; refused once any account exists (two first visitors: one wins)."""
    accounts.lock_accounts(session)
    if queries.count_users(session) > 0:
        raise AlreadyExistsError("the first admin already exists; please sign in")
    return create_user(session, name=name, role=Role.ADMIN, password=password)


def _audit_account(
    session: Session,
    user: User,
    *,
    actor_id: int | None,
    old: dict[str, Any],
    new: dict[str, Any],
) -> None:
    append_audit(session, [Change("account", user.id, NO_SENTENCE, actor_id, old, new)])


def set_password(
    session: Session, *, name: str, password: str, actor_id: int | None = None
) -> User:
    """Set a new password, lift any lock-out and end the account's sessions (audited)."""
    user = _user_named(session, name)
    check_password(password)
    had_password = user.password_hash is not None
    user.password_hash = _hash(password)
    user.failed_logins = 0
    user.locked_until = None
    web_sessions.delete_sessions_of(session, user_id=user.id)
    session.flush()
    old = {"password": "set" if had_password else "none"}
    _audit_account(session, user, actor_id=actor_id, old=old, new={"password": "reset"})
    return user


def set_active(session: Session, *, name: str, active: bool, actor_id: int | None = None) -> User:
    """Deactivate (or reactivate) an account; its labels stay, it cannot sign in while inactive.

    Deactivating also revokes the account's access tokens and ends its browser sessions:
    reactivating brings none of them back.
    """
    user = _user_named(session, name)
    if user.active == active:
        return user
    user.active = active
    if not active:
        access_tokens.revoke_tokens_of(session, user_id=user.id, when=utcnow())
        web_sessions.delete_sessions_of(session, user_id=user.id)
    session.flush()
    _audit_account(
        session, user, actor_id=actor_id, old={"active": not active}, new={"active": active}
    )
    return user


def set_role(
    session: Session, *, name: str, role: Role | str, actor_id: int | None = None
) -> tuple[User, bool]:
    """Give an account another role (audited); the account and whether anything changed.

    The only active admin keeps the admin role, so the workbench never loses its last admin.
    A change ends the account's browser sessions: it signs in again under the new role.
    """
    new = _parse_role(role)
    accounts.lock_accounts(session)  # two admins demoting each other: one goes first
    user = _user_named(session, name)
    old = Role(user.role)
    if new is old:
        return user, False
    if old is Role.ADMIN and user.active and accounts.count_active_admins(session) <= 1:
        raise PermissionDeniedError(
            f"account {user.name!r} is the only active admin; make another account admin first"
        )
    user.role = new.value
    web_sessions.delete_sessions_of(session, user_id=user.id)
    session.flush()
    _audit_account(
        session, user, actor_id=actor_id, old={"role": old.value}, new={"role": new.value}
    )
    return user, True


def _verify(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        # Same work as a real check, so timing does not reveal which names exist.
        if not _dummy_hash:
            _dummy_hash.append(_hash("not a real password"))
        password_hash = _dummy_hash[0]
        real = False
    else:
        real = True
    try:
        with _checks:  # a burst of sign-ins waits here instead of taking 64 MiB each
            _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return real


def _locked_message(name: str, until: datetime, now: datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return (
        f"account {name!r} is locked after {MAX_FAILED_LOGINS} failed sign-ins; "
        f"try again in {minutes} minute{'s' if minutes != 1 else ''}"
    )


@dataclass(frozen=True, slots=True)
class _Attempt:
    """What the first step of a sign-in found: whose hash to check and which attempt it is."""

    user_id: int | None
    name: str
    password_hash: str | None
    active: bool
    attempt: int
    locked_until: datetime | None = None


def _count_attempt(db: Database, *, name: str, now: datetime) -> _Attempt:
    """Find the account and count this attempt on it before any password is checked.

    One atomic UPDATE counts it, so concurrent attempts each get their own number; an attempt
    beyond the limit engages the lock at once instead of checking yet another password.
    """
    with db.write() as session:
        # Signing in as "ａｎａ" (full-width) is signing in as "ana", as creating it would be.
        user = queries.user_by_name(session, name=lookup_name(name))
        if user is None:
            return _Attempt(None, name, None, False, 0)
        attempt = logins.count_attempt(session, user_id=user.id, now=now)
        if attempt is None:
            session.refresh(user, ["locked_until"])
            until = as_utc(user.locked_until) if user.locked_until else now + LOCKOUT
        elif attempt > MAX_FAILED_LOGINS:
            logins.lock_out(session, user_id=user.id, until=now + LOCKOUT)
            until = now + LOCKOUT
        else:
            return _Attempt(user.id, user.name, user.password_hash, user.active, attempt)
        return _Attempt(user.id, user.name, user.password_hash, user.active, 0, until)


def sign_in(
    db: Database,
    *,
    name: str,
    password: str,
    now: datetime | None = None,
    address: str | None = None,
    limits: SessionSettings | None = None,
) -> Account:
    """The account when name and password match; failures are counted on the account.

    The fifth failure in a row locks the account for 15 minutes; a success resets the count.
    An unknown name, a wrong password and a locked account get the same message after the
    same work (one argon2 check, against a dummy hash for an unknown name), so neither the
    message nor its timing tells which names exist; only the right password of a locked
    account learns that it is locked (AccountLockedError, with the time left). The attempt is
    counted before the hash is checked and the hash is checked outside any transaction and
    inside a bounded pool, so concurrent attempts neither get past the limit nor each take
    argon2's memory at once.

    When the client's ``address`` is given (the app gives it), failures are also counted per
    address (services.address_limit): past the limit of ``limits`` every attempt from it gets
    the same message after the same work.
    """
    now = now or utcnow()
    limits = limits or SessionSettings()
    if address is None:
        return _check_credentials(db, name=name, password=password, now=now)
    with db.read() as session:
        blocked = address_blocked(session, address=address, settings=limits, now=now)
    if blocked:
        _verify(None, password)
        raise AuthenticationError(WRONG_CREDENTIALS)
    try:
        return _check_credentials(db, name=name, password=password, now=now)
    except AccountLockedError:
        raise
    except AuthenticationError:
        with db.write() as session:
            count_address_failure(session, address=address, settings=limits, now=now)
        raise


def _check_credentials(db: Database, *, name: str, password: str, now: datetime) -> Account:
    """The account when name and password match (the steps of ``sign_in``)."""
    found = _count_attempt(db, name=name, now=now)
    if found.user_id is None:
        _verify(None, password)
        raise AuthenticationError(WRONG_CREDENTIALS)
    if not _verify(found.password_hash, password):
        if found.locked_until is None and found.attempt >= MAX_FAILED_LOGINS:
            with db.write() as session:
                logins.lock_out(session, user_id=found.user_id, until=now + LOCKOUT)
        raise AuthenticationError(WRONG_CREDENTIALS)
    if found.locked_until is not None:
        raise AccountLockedError(_locked_message(found.name, found.locked_until, now))
    with db.write() as session:
        if not logins.clear_failures(session, user_id=found.user_id, now=now):
            # Attempts made while this one was checked locked the account meanwhile.
            raise AccountLockedError(_locked_message(found.name, now + LOCKOUT, now))
        user = session.get(User, found.user_id, populate_existing=True)
        if user is None:
            raise AuthenticationError(WRONG_CREDENTIALS)
        if user.active and user.password_hash is not None:
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hash(password)
            session.flush()
        account = Account.of(user)
    if not account.active:
        raise AuthenticationError(f"account {account.name!r} is deactivated; ask an admin")
    return account


def account_for_email(session: Session, *, email: str) -> Account:
    """The active account with this e-mail (single sign-on), or AuthenticationError."""
    address = check_email(email)
    user = accounts.user_by_email(session, email=address) if address else None
    if user is None:
        raise AuthenticationError(
            f"no workbench account has the e-mail {email!r}; ask an admin to add it"
        )
    if not user.active:
        raise AuthenticationError(f"account {user.name!r} is deactivated; ask an admin")
    return Account.of(user)


@dataclass(frozen=True, slots=True)
class AccountPage:
    """One page of accounts and how many match in all."""

    accounts: list[Account]
    total: int


def account_page(
    session: Session,
    *,
    actor_id: int,
    needle: str = "",
    active_only: bool = False,
    limit: int,
    offset: int = 0,
) -> AccountPage:
    """One page of the accounts whose name contains ``needle``, by name (admin only)."""
    require_role(session, user_id=actor_id, role=Role.ADMIN)
    found = accounts.account_page(
        session, needle=needle, active_only=active_only, limit=limit, offset=offset
    )
    total = accounts.count_accounts(session, needle=needle, active_only=active_only)
    return AccountPage([Account.of(user) for user in found], total)


def admin_create_user(
    session: Session,
    *,
    actor_id: int,
    name: str,
    role: Role | str,
    password: str,
    email: str | None = None,
) -> Account:
    """Create an account (admin only)."""
    require_role(session, user_id=actor_id, role=Role.ADMIN)
    return Account.of(create_user(session, name=name, role=role, password=password, email=email))


def admin_set_password(session: Session, *, actor_id: int, name: str, password: str) -> Account:
    """Reset another account's password and lift its lock-out (admin only)."""
    require_role(session, user_id=actor_id, role=Role.ADMIN)
    return Account.of(set_password(session, name=name, password=password, actor_id=actor_id))


def admin_set_active(session: Session, *, actor_id: int, name: str, active: bool) -> Account:
    """Deactivate or reactivate an account (admin only; never one's own)."""
    actor = require_role(session, user_id=actor_id, role=Role.ADMIN)
    if actor.name == lookup_name(name) and not active:
        raise PermissionDeniedError("you cannot deactivate your own account")
    return Account.of(set_active(session, name=name, active=active, actor_id=actor_id))


def admin_set_role(
    session: Session, *, actor_id: int, name: str, role: Role | str
) -> tuple[Account, bool]:
    """Give another account a role (admin only; never one's own)."""
    actor = require_role(session, user_id=actor_id, role=Role.ADMIN)
    if actor.name == lookup_name(name):
        raise PermissionDeniedError("you cannot change your own role")
    user, changed = set_role(session, name=name, role=role, actor_id=actor_id)
    return Account.of(user), changed


def account_changes(session: Session, *, actor_id: int, limit: int) -> list[accounts.AccountChange]:
    """The newest audited account changes, newest first (admin only)."""
    require_role(session, user_id=actor_id, role=Role.ADMIN)
    return accounts.account_changes(session, limit=limit)


def live_account(db: Database, *, user_id: int) -> Account | None:
    """The account as stored now, or None when it was deleted or deactivated.

    Takes the ``Database``: the app checks the signed-in account on every page run, before
    the page opens a session of its own, in one short read transaction.
    """
    with db.read() as session:
        user = session.get(User, user_id)
        return Account.of(user) if user is not None and user.active else None
