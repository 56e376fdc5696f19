"""Role checks that every service applies, whatever the user interface shows or hides."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workbench.db.models import User
from workbench.domain.labels import Role
from workbench.errors import NotFoundError, PermissionDeniedError


def require_role(session: Session, *, user_id: int, role: Role) -> User:
    """The active account ``user_id`` if its role allows ``role``, else PermissionDeniedError."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no account with id {user_id}")
    if not user.active:
        raise PermissionDeniedError(f"account {user.name!r} is deactivated")
    if not Role(user.role).allows(role):
        raise PermissionDeniedError(
            f"account {user.name!r} is {Role(user.role).with_article}; "
            f"this action needs the {role.value} role"
        )
    return user
