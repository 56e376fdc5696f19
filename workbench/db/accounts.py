"""Account queries beyond the shared ones in queries.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session, aliased

from workbench.db.models import AccessToken, AuditEntry, User, WebSession

# A credential row: it keeps a secret's hash in ``token_hash`` and its account in ``user_id``.
Credential = TypeVar("Credential", AccessToken, WebSession)


def user_by_email(session: Session, *, email: str) -> User | None:
    """The account with this e-mail address (compared case-insensitively), or None."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def credential_by_hash(
    session: Session, model: type[Credential], token_hash: str
) -> tuple[Credential, User] | None:
    """The ``model`` row (access token or browser session) whose secret has this hash, with its
    account (one indexed lookup), or None."""
    found = select(model, User).join(User, User.id == model.user_id)
    row = session.execute(found.where(model.token_hash == token_hash)).first()
    return None if row is None else (row[0], row[1])


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


def count_active_admins(session: Session) -> int:
    """Number of active accounts with the admin role."""
    query = select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))
    return session.scalar(query) or 0


@dataclass(frozen=True, slots=True)
class AccountChange:
    """One audited change to an account: when, by whom (None: the command line), what."""

    at: datetime
    actor: str | None
    account: str
    old: dict[str, Any]
    new: dict[str, Any]


def account_changes(session: Session, *, limit: int) -> list[AccountChange]:
    """The ``limit`` newest audited account changes, newest first."""
    actor, account = aliased(User), aliased(User)
    rows = session.execute(
        select(AuditEntry.at, actor.name, account.name, AuditEntry.old, AuditEntry.new)
        .join(account, account.id == AuditEntry.entity_id)
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .where(AuditEntry.entity == "account")
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [AccountChange(at, by, name, old or {}, new or {}) for at, by, name, old, new in rows]
