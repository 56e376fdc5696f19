"""Server-side browser sessions: a random token in an HttpOnly cookie, its hash in the database.

Signing in makes a ``sessions`` row holding the SHA-256 of a token and of a random one-time
hand-over code; the token is an HMAC of the code under the server secret, so only the server
can turn the code into it. The page sends the browser to ``/wb/session/start?code=...``, whose
response sets the token as an HttpOnly cookie, so no script ever sees it. Every later request
and script run finds the row by the token's hash (one indexed lookup) and the session holds
while the row exists, the account is active, it was used within the idle timeout and is under
its lifetime.
Signing out deletes the row; a password reset, a role change and a deactivation delete every
row of the account (services.users), so a copied cookie or another open tab is refused at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workbench.config import SessionSettings
from workbench.db import web_sessions
from workbench.db.engine import Database
from workbench.db.models import as_utc, utcnow
from workbench.services.users import Account

COOKIE_NAME = "wb_session"
TOKEN_BYTES = 32
CODE_LIFETIME = timedelta(seconds=60)  # the hand-over code must be used within a minute
TOUCH_EVERY = timedelta(seconds=60)  # last use is written at most this often per session
PRUNE_LIMIT = 100  # ended sessions deleted per sign-in: the work of one sign-in stays bounded
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just made: the token for the cookie and the one-time code that hands it over."""

    token: str
    code: str


def hash_secret(secret: str) -> str:
    """Hex SHA-256 of a token or code: what the database keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_of(secret: bytes, code: str) -> str:
    """The session token a hand-over code stands for (URL-safe HMAC-SHA256 of the code)."""
    digest = hmac.new(secret, code.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def start_session(
    session: Session,
    *,
    user_id: int,
    secret: bytes,
    settings: SessionSettings,
    now: datetime | None = None,
) -> NewSession:
    """A new session of ``user_id``: its token and a code that is good once, for a minute.

    It also deletes up to PRUNE_LIMIT sessions that ended unnoticed (a browser closed and
    never back), so the table holds about the live sessions only.
    """
    now = now or utcnow()
    web_sessions.delete_expired(
        session,
        now=now,
        idle_since=now - timedelta(seconds=settings.idle_seconds),
        limit=PRUNE_LIMIT,
    )
    code = secrets.token_urlsafe(TOKEN_BYTES)
    token = token_of(secret, code)
    web_sessions.add_session(
        session,
        user_id=user_id,
        token_hash=hash_secret(token),
        code_hash=hash_secret(code),
        now=now,
        expires_at=now + timedelta(seconds=settings.lifetime_seconds),
        code_expires_at=now + CODE_LIFETIME,
    )
    return NewSession(token, code)


def redeem_code(
    session: Session, *, secret: bytes, code: str, now: datetime | None = None
) -> str | None:
    """Use up the hand-over ``code``: the token of its session, or None (unknown, used, late)."""
    if not code or len(code) > MAX_TOKEN_LENGTH:
        return None
    found = web_sessions.take_start_code(session, code_hash=hash_secret(code), now=now or utcnow())
    token = token_of(secret, code)
    if found is None or not secrets.compare_digest(found, hash_secret(token)):
        return None
    return token


@dataclass(frozen=True, slots=True)
class SessionCheck:
    """What one lookup of a token found: the account, or why not; and what to write down."""

    account: Account | None
    session_id: int | None = None
    ended: bool = False  # past the idle timeout or the lifetime: the row is to be deleted
    touch: bool = False  # last use is to be written


def check_token(
    session: Session, *, token: str, settings: SessionSettings, now: datetime
) -> SessionCheck:
    """Look the token's session up (one indexed query, no write): live, ended, or unknown."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return SessionCheck(None)
    found = web_sessions.session_by_hash(session, token_hash=hash_secret(token))
    if found is None:
        return SessionCheck(None)
    row, user = found
    last_used = as_utc(row.last_used_at)
    if now - last_used > timedelta(seconds=settings.idle_seconds) or as_utc(row.expires_at) <= now:
        return SessionCheck(None, row.id, ended=True)
    if not user.active:
        return SessionCheck(None, row.id)
    return SessionCheck(Account.of(user), row.id, touch=now - last_used >= TOUCH_EVERY)


def record_check(session: Session, *, check: SessionCheck, now: datetime) -> None:
    """Delete the session the check found ended, or write down its use."""
    if check.session_id is None:
        return
    if check.ended:
        web_sessions.delete_session(session, session_id=check.session_id)
    elif check.touch:
        web_sessions.touch(session, session_id=check.session_id, now=now, before=now - TOUCH_EVERY)


def resolve(
    db: Database, *, token: str, settings: SessionSettings, now: datetime | None = None
) -> Account | None:
    """The active account of a live session with this token, else None (an ended one is deleted).

    One indexed lookup in a read transaction finds the session and its account; a write
    follows only to delete a session past its idle timeout or lifetime, or to record its use
    (at most once a minute), so a page run does not take SQLite's write lock.
    """
    now = now or utcnow()
    with db.read() as session:
        check = check_token(session, token=token, settings=settings, now=now)
    if check.ended or check.touch:
        with db.write() as session:
            record_check(session, check=check, now=now)
    return check.account


def end_session(session: Session, *, token: str) -> bool:
    """Sign out: delete the session with this token; True when there was one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    return web_sessions.delete_by_hash(session, token_hash=hash_secret(token)) > 0


def end_sessions_of(session: Session, *, user_id: int) -> int:
    """Delete every session of ``user_id`` (password, role or activation changed)."""
    return web_sessions.delete_sessions_of(session, user_id=user_id)
