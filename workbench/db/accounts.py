"""Account queries beyond the shared ones in queries.py."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.db.models import User


def user_by_email(session: Session, *, email: str) -> User | None:
    """The account with this e-mail address (compared case-insensitively), or None."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
