"""Browser sessions and per-address sign-in failures: queries and writes, never a commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workbench.db.accounts import credential_by_hash
from workbench.db.models import LoginFailure, User, WebSession


def add_session(
    session: Session,
    *,
    user_id: int,
    token_hash: str,
    code_hash: str,
    now: datetime,
    expires_at: datetime,
    code_expires_at: datetime,
) -> WebSession:
    """Store a new session of ``user_id`` with its one-time hand-over code."""
    row = WebSession(
        user_id=user_id,
        token_hash=token_hash,
        created_at=now,
        last_used_at=now,
        expires_at=expires_at,
        start_code_hash=code_hash,
        start_code_expires_at=code_expires_at,
    )
    session.add(row)
    session.flush()
    return row


def session_by_hash(session: Session, *, token_hash: str) -> tuple[WebSession, User] | None:
    """The session whose token has this hash, with its account (one indexed lookup), or None."""
    return credential_by_hash(session, WebSession, token_hash)


def take_start_code(session: Session, *, code_hash: str, now: datetime) -> str | None:
    """Use up the hand-over code: the token hash of its session, or None (unknown, used, late).

    One UPDATE clears the code, so of two requests with the same code only one gets the session.
    """
    return session.scalar(
        update(WebSession)
        .where(
            WebSession.start_code_hash == code_hash,
            WebSession.start_code_expires_at > now,
            WebSession.expires_at > now,
        )
        .values(start_code_hash=None, start_code_expires_at=None)
        .returning(WebSession.token_hash)
        .execution_options(synchronize_session=False)
    )


def touch(session: Session, *, session_id: int, now: datetime, before: datetime) -> None:
    """Record use at ``now`` unless the session was used at ``before`` or later already."""
    session.execute(
        update(WebSession)
        .where(WebSession.id == session_id, WebSession.last_used_at < before)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def delete_session(session: Session, *, session_id: int) -> None:
    """End one session."""
    session.execute(
        delete(WebSession)
        .where(WebSession.id == session_id)
        .execution_options(synchronize_session=False)
    )


def _delete_where(session: Session, which: ColumnElement[bool]) -> int:
    """End the sessions ``which`` selects; how many there were."""
    result = session.execute(
        delete(WebSession)
        .where(which)
        .returning(WebSession.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())


def delete_by_hash(session: Session, *, token_hash: str) -> int:
    """End the session whose token has this hash; how many rows went (0 or 1)."""
    return _delete_where(session, WebSession.token_hash == token_hash)


def delete_sessions_of(session: Session, *, user_id: int) -> int:
    """End every session of ``user_id``; how many there were."""
    return _delete_where(session, WebSession.user_id == user_id)


def delete_expired(session: Session, *, now: datetime, idle_since: datetime, limit: int) -> int:
    """End at most ``limit`` sessions past their lifetime or idle since before ``idle_since``."""
    stale = (
        select(WebSession.id)
        .where((WebSession.expires_at <= now) | (WebSession.last_used_at < idle_since))
        .limit(limit)
    )
    ids = list(session.scalars(stale))
    if not ids:
        return 0
    session.execute(
        delete(WebSession)
        .where(WebSession.id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    return len(ids)


def count_sessions_of(session: Session, *, user_id: int) -> int:
    """How many sessions ``user_id`` has (ended ones are deleted)."""
    query = select(func.count(WebSession.id)).where(WebSession.user_id == user_id)
    return session.scalar(query) or 0


def failures_from(session: Session, *, address: str) -> LoginFailure | None:
    """The failure count of ``address`` in its current window, or None."""
    return session.scalar(
        select(LoginFailure)
        .where(LoginFailure.address == address)
        .execution_options(populate_existing=True)
    )


def count_failure(session: Session, *, address: str, now: datetime, window_start: datetime) -> int:
    """Count one failed sign-in from ``address``; the failures in its window, this one included.

    A window that began before ``window_start`` has passed: the count starts again at 1. One
    INSERT ... ON CONFLICT statement counts it, so concurrent failures are each counted.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(LoginFailure).values(address=address, window_start=now, failures=1)
    stale = LoginFailure.window_start < window_start
    upsert = statement.on_conflict_do_update(
        index_elements=[LoginFailure.address],
        set_={
            "failures": case((stale, 1), else_=LoginFailure.failures + 1),
            "window_start": case((stale, now), else_=LoginFailure.window_start),
        },
    ).returning(LoginFailure.failures)
    return int(session.scalar(upsert) or 1)


def delete_stale_failures(session: Session, *, window_start: datetime, limit: int) -> int:
    """Forget at most ``limit`` addresses whose window began before ``window_start``."""
    stale = (
        select(LoginFailure.address).where(LoginFailure.window_start < window_start).limit(limit)
    )
    addresses = list(session.scalars(stale))
    if addresses:
        session.execute(
            delete(LoginFailure)
            .where(LoginFailure.address.in_(addresses))
            .execution_options(synchronize_session=False)
        )
    return len(addresses)
