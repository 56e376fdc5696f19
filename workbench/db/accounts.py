"""Account queries beyond the shared ones in queries.py."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from workbench.db.models import User


def user_by_email(session: Session, *, email: str) -> User | None:
    """The account with this e-mail address (compared case-insensitively), or None."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def lock_accounts(session: Session) -> None:
    """Hold off other account creation until this transaction ends (SQLite writes already do)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
