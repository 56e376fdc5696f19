"""Assignments: putting articles in reviewers' queues, and each reviewer's own queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from workbench.db import assignments, queries
from workbench.db.assignments import AssignmentRow
from workbench.db.models import Article, User
from workbench.domain.labels import Role
from workbench.errors import InputError, NotFoundError
from workbench.services.permissions import require_role


@dataclass
class AssignReport:
    """What one assignment call did: (article, account) pairs added and already present."""

    added: list[tuple[str, str]] = field(default_factory=list)
    already: list[tuple[str, str]] = field(default_factory=list)


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in values if value.strip()))


def _accounts(session: Session, names: Sequence[str]) -> list[User]:
    found = []
    missing = []
    for name in names:
        user = queries.user_by_name(session, name=name)
        if user is None:
            missing.append(name)
        elif not user.active:
            raise InputError(f"account {name!r} is deactivated; reactivate it before assigning")
        else:
            found.append(user)
    if missing:
        raise NotFoundError(f"no account named {', '.join(repr(n) for n in missing)}")
    return found


def assign_articles(
    session: Session, *, article_ids: Sequence[str], user_names: Sequence[str]
) -> AssignReport:
    """Put every article in every named account's queue (operator action); all or nothing."""
    articles = _unique(article_ids)
    names = _unique(user_names)
    if not articles:
        raise InputError("name at least one article to assign")
    if not names:
        raise InputError("name at least one account to assign to (--to NAME)")
    missing = [article for article in articles if session.get(Article, article) is None]
    if missing:
        raise NotFoundError(f"no article with id {', '.join(repr(a) for a in missing)}")
    report = AssignReport()
    for user in _accounts(session, names):
        for article in articles:
            added = assignments.add_assignment(session, article_id=article, user_id=user.id)
            (report.added if added else report.already).append((article, user.name))
    return report


def unassign_article(session: Session, *, article_id: str, user_name: str) -> bool:
    """Take an article out of an account's queue (operator action); False if it was not there."""
    user = queries.user_by_name(session, name=user_name.strip())
    if user is None:
        raise NotFoundError(f"no account named {user_name.strip()!r}")
    return assignments.remove_assignment(session, article_id=article_id, user_id=user.id)


def admin_assign(
    session: Session, *, actor_id: int, article_ids: Sequence[str], user_names: Sequence[str]
) -> AssignReport:
    """Assign articles to accounts (admin only)."""
    require_role(session, user_id=actor_id, role=Role.ADMIN)
    return assign_articles(session, article_ids=article_ids, user_names=user_names)


def admin_unassign(session: Session, *, actor_id: int, article_id: str, user_name: str) -> bool:
    """Remove an assignment (admin only)."""
    require_role(session, user_id=actor_id, role=Role.ADMIN)
    return unassign_article(session, article_id=article_id, user_name=user_name)


@dataclass(frozen=True, slots=True)
class AssignmentPage:
    """One page of assignments and how many there are in all."""

    rows: list[AssignmentRow]
    total: int


def assignment_page(
    session: Session, *, actor_id: int, limit: int, offset: int = 0
) -> AssignmentPage:
    """One page of the assignments, by account name then article (admin only)."""
    require_role(session, user_id=actor_id, role=Role.ADMIN)
    rows = assignments.assignment_page(session, limit=limit, offset=offset)
    return AssignmentPage(rows, assignments.count_assignments(session))
