"""Failed sign-in counts kept by single atomic UPDATEs, so concurrent attempts are all counted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, or_, update
from sqlalchemy.orm import Session

from workbench.db.models import User


def _open(now: datetime) -> ColumnElement[bool]:
    """The account is not locked at ``now`` (never locked, or its lock has run out)."""
    return or_(User.locked_until.is_(None), User.locked_until <= now)


def count_attempt(session: Session, *, user_id: int, now: datetime) -> int | None:
    """Count one sign-in attempt on an open account; its attempts in a row, or None when locked.

    An expired lock is lifted by the same statement, which then counts this attempt as the first.
    """
    return session.scalar(
        update(User)
        .where(User.id == user_id, _open(now))
        .values(
            failed_logins=case((User.locked_until.is_not(None), 1), else_=User.failed_logins + 1),
            locked_until=None,
        )
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    )


def lock_out(session: Session, *, user_id: int, until: datetime) -> None:
    """Lock the account until ``until`` and start its count again."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(locked_until=until, failed_logins=0)
        .execution_options(synchronize_session=False)
    )


def clear_failures(session: Session, *, user_id: int, now: datetime) -> bool:
    """Reset the count of an account that is open at ``now``; False when it is locked."""
    cleared = session.scalar(
        update(User)
        .where(User.id == user_id, _open(now))
        .values(failed_logins=0, locked_until=None)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    return cleared is not None
