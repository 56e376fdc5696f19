"""Accounts: creation, password hashing with argon2, sign-in."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.models import User
from workbench.domain.labels import Role
from workbench.errors import AlreadyExistsError, AuthenticationError, InputError

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


def check_name(name: str) -> str:
    """A stripped account name, or InputError."""
    name = name.strip()
    if not name or len(name) > 100 or any(ch.isspace() or ch in ":|" for ch in name):
        raise InputError(f"bad account name {name!r}: 1-100 characters, no spaces, no ':' or '|'")
    return name


def check_password(password: str) -> None:
    """Raise InputError when a password is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


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
    try:
        role = Role(role)
    except ValueError as exc:
        raise InputError(f"bad role {role!r}; expected reviewer, editor or admin") from exc
    if queries.user_by_name(session, name=name) is not None:
        raise AlreadyExistsError(f"account {name!r} already exists")
    password_hash = None
    if password is not None:
        check_password(password)
        password_hash = _hasher.hash(password)
    user = User(name=name, role=role.value, password_hash=password_hash, email=email)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, name: str, password: str) -> User:
    """Return the account when name and password match, else AuthenticationError."""
    user = queries.user_by_name(session, name=name.strip())
    if user is None or user.password_hash is None or not user.active:
        raise AuthenticationError("wrong name or password")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError) as exc:
        raise AuthenticationError("wrong name or password") from exc
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user
