"""Personal access token queries and writes (the REST API's credentials)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workbench.db.accounts import credential_by_hash
from workbench.db.models import AccessToken, User


def add_token(
    session: Session, *, user_id: int, name: str, token_hash: str, prefix: str
) -> AccessToken:
    """Store a new token's hash for ``user_id``."""
    token = AccessToken(user_id=user_id, name=name, token_hash=token_hash, prefix=prefix)
    session.add(token)
    session.flush()
    return token


def token_by_hash(session: Session, *, token_hash: str) -> tuple[AccessToken, User] | None:
    """The token with this hash and its account, or None."""
    return credential_by_hash(session, AccessToken, token_hash)


def tokens_of(session: Session, *, user_id: int, limit: int) -> list[AccessToken]:
    """At most ``limit`` tokens of ``user_id``, newest first (revoked ones included)."""
    return list(
        session.scalars(
            select(AccessToken)
            .where(AccessToken.user_id == user_id)
            .order_by(AccessToken.id.desc())
            .limit(limit)
        )
    )


def count_live_tokens(session: Session, *, user_id: int) -> int:
    """Number of tokens of ``user_id`` that are not revoked."""
    query = select(func.count(AccessToken.id)).where(
        AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None)
    )
    return session.scalar(query) or 0


def lock_token(session: Session, *, token_id: int) -> AccessToken | None:
    """The token ``token_id``, locked until the transaction ends, or None."""
    return session.scalar(select(AccessToken).where(AccessToken.id == token_id).with_for_update())


def mark_used(session: Session, *, token_id: int, when: datetime) -> None:
    """Record that the token was used at ``when``."""
    session.execute(update(AccessToken).where(AccessToken.id == token_id).values(last_used_at=when))


def revoke_tokens_of(session: Session, *, user_id: int, when: datetime) -> int:
    """Revoke every live token of ``user_id``; how many there were."""
    revoked = session.scalars(
        update(AccessToken)
        .where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=when)
        .returning(AccessToken.id)
    ).all()
    return len(revoked)
