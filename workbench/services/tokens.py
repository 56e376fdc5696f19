"""Personal access tokens of the REST API: created and revoked by their owner, stored hashed.

A token is ``wb_`` and 43 random URL-safe characters. Only its SHA-256 hash is stored, so the
secret is shown once, when it is made. A token acts as its account: with the account's role as
it is at each request, never while the account is deactivated, and not at all once revoked.
Deactivating an account revokes its tokens, so activating it again brings none of them back.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workbench.db import access_tokens, queries
from workbench.db.engine import Database
from workbench.db.models import AccessToken, User, as_utc, utcnow
from workbench.domain.labels import Role
from workbench.domain.text_safety import lookup_name
from workbench.errors import AuthenticationError, InputError, NotFoundError
from workbench.services.permissions import require_role
from workbench.services.sessions import hash_secret
from workbench.services.users import Account

TOKEN_PREFIX = "wb_"
SECRET_BYTES = 32
SHOWN_PREFIX = len(TOKEN_PREFIX) + 6  # what a token list shows of each secret
MAX_NAME_LENGTH = 100
MAX_LIVE_TOKENS = 50  # per account: the token list stays one short page
LIST_LIMIT = 100
MAX_SECRET_LENGTH = 200
# Last use is written at most this often per token, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)
BAD_TOKEN = "invalid or revoked access token"


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as its owner sees it: never the secret, only its first characters."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None

    @classmethod
    def of(cls, token: AccessToken) -> TokenInfo:
        """Plain copy of an ORM token."""
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            created_at=as_utc(token.created_at),
            last_used_at=as_utc(token.last_used_at) if token.last_used_at else None,
            revoked_at=as_utc(token.revoked_at) if token.revoked_at else None,
        )


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just made: its listing and the secret, which is never shown again."""

    info: TokenInfo
    secret: str


def check_token_name(name: str) -> str:
    """The name without surrounding spaces, or InputError when empty, too long or unprintable."""
    cleaned = name.strip()
    if not cleaned:
        raise InputError("token name must not be empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InputError(
            f"token name is {len(cleaned)} characters long; at most {MAX_NAME_LENGTH} are allowed"
        )
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in cleaned):
        raise InputError("token name must not hold control or invisible characters")
    return cleaned


def _issue(session: Session, user: User, name: str) -> NewToken:
    cleaned = check_token_name(name)
    if access_tokens.count_live_tokens(session, user_id=user.id) >= MAX_LIVE_TOKENS:
        raise InputError(
            f"account {user.name!r} already has {MAX_LIVE_TOKENS} tokens; revoke one first"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = access_tokens.add_token(
        session,
        user_id=user.id,
        name=cleaned,
        token_hash=hash_secret(secret),
        prefix=secret[:SHOWN_PREFIX],
    )
    return NewToken(TokenInfo.of(token), secret)


def _account(session: Session, name: str) -> User:
    user = queries.user_by_name(session, name=lookup_name(name))
    if user is None:
        raise NotFoundError(f"no account named {lookup_name(name)!r}")
    return user


def create_token(session: Session, *, actor_id: int, name: str) -> NewToken:
    """A new token of the signed-in account (any active account may make its own)."""
    user = require_role(session, user_id=actor_id, role=Role.REVIEWER)
    return _issue(session, user, name)


def create_token_for(session: Session, *, user_name: str, name: str) -> NewToken:
    """A new token of account ``user_name`` (the command line: an operator action)."""
    user = _account(session, user_name)
    if not user.active:
        raise InputError(f"account {user.name!r} is deactivated; activate it first")
    return _issue(session, user, name)


def list_tokens(session: Session, *, actor_id: int) -> list[TokenInfo]:
    """The signed-in account's tokens, newest first."""
    require_role(session, user_id=actor_id, role=Role.REVIEWER)
    found = access_tokens.tokens_of(session, user_id=actor_id, limit=LIST_LIMIT)
    return [TokenInfo.of(token) for token in found]


def tokens_of_account(session: Session, *, user_name: str) -> list[TokenInfo]:
    """The tokens of account ``user_name``, newest first (the command line)."""
    user = _account(session, user_name)
    found = access_tokens.tokens_of(session, user_id=user.id, limit=LIST_LIMIT)
    return [TokenInfo.of(token) for token in found]


def _revoke(token: AccessToken) -> TokenInfo:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return TokenInfo.of(token)


def revoke_token(session: Session, *, actor_id: int, token_id: int) -> TokenInfo:
    """Revoke one of the signed-in account's tokens; another account's is "no such token"."""
    require_role(session, user_id=actor_id, role=Role.REVIEWER)
    token = access_tokens.lock_token(session, token_id=token_id)
    if token is None or token.user_id != actor_id:
        raise NotFoundError(f"you have no token with id {token_id}")
    info = _revoke(token)
    session.flush()
    return info


def revoke_any_token(session: Session, *, token_id: int) -> tuple[TokenInfo, str]:
    """Revoke token ``token_id`` of any account (the command line); the token and its owner."""
    token = access_tokens.lock_token(session, token_id=token_id)
    if token is None:
        raise NotFoundError(f"no token with id {token_id}")
    info = _revoke(token)
    session.flush()
    owner = session.get(User, token.user_id)
    return info, owner.name if owner is not None else "?"


def authenticate(db: Database, *, secret: str, now: datetime | None = None) -> Account:
    """The account a bearer token acts for, or AuthenticationError (the same for every failure).

    Takes the ``Database``: the token is looked up in a read transaction, and a write follows
    only to record its use (at most once per ``LAST_USED_EVERY``), so a request seldom writes.
    """
    now = now or utcnow()
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_SECRET_LENGTH:
        raise AuthenticationError(BAD_TOKEN)
    with db.read() as session:
        found = access_tokens.token_by_hash(session, token_hash=hash_secret(secret))
        if found is None:
            raise AuthenticationError(BAD_TOKEN)
        token, user = found
        if token.revoked_at is not None or not user.active:
            raise AuthenticationError(BAD_TOKEN)
        account = Account.of(user)
        last_used = as_utc(token.last_used_at) if token.last_used_at else None
        token_id = token.id
    if last_used is None or now - last_used >= LAST_USED_EVERY:
        with db.write() as session:
            access_tokens.mark_used(session, token_id=token_id, when=now)
    return account
