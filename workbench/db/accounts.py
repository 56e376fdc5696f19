"""Account queries beyond the shared ones in queries.py."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session

from workbench.db.models import User


def user_by_email(session: Session, *, email: str) -> User | None:
    """The account with this e-mail address (compared case-insensitively), or None."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def lock_accounts(session: Session) -> None:
    """Hold off other account creation until this transaction ends (SQLite writes already do)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))


def _accounts_where(needle: str, active_only: bool) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if needle.strip():
        found.append(User.name.icontains(needle.strip(), autoescape=True))
    if active_only:
        found.append(User.active.is_(True))
    return found


def account_page(
    session: Session, *, needle: str = "", active_only: bool = False, limit: int, offset: int = 0
) -> list[User]:
    """At most ``limit`` accounts whose name contains ``needle``, by name, from ``offset``."""
    return list(
        session.scalars(
            select(User)
            .where(*_accounts_where(needle, active_only))
            .order_by(User.name)
            .limit(limit)
            .offset(offset)
        )
    )


def count_accounts(session: Session, *, needle: str = "", active_only: bool = False) -> int:
    """Number of accounts whose name contains ``needle``."""
    query = select(func.count(User.id)).where(*_accounts_where(needle, active_only))
    return session.scalar(query) or 0
