"""Signed session tokens, so a reload of the page does not sign the reviewer out.

A token is ``user_id.issued_at.signature``: the signature is an HMAC-SHA256, under a server
secret, of the user id, the issue time and a stamp of the account's current password hash.
Resetting the password changes the stamp and so ends every older session; the token itself
carries neither the password nor its hash.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.orm import Session

from workbench.db.models import User
from workbench.services.users import Account

COOKIE_NAME = "wb_session"


def password_stamp(password_hash: str | None) -> str:
    """A short digest of the password hash (a constant for accounts without a password)."""
    if password_hash is None:
        return "-"
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def _signature(secret: bytes, user_id: int, issued_at: int, stamp: str) -> str:
    message = f"{user_id}.{issued_at}.{stamp}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def make_token(secret: bytes, *, user_id: int, issued_at: int, stamp: str) -> str:
    """The token ``user_id.issued_at.signature`` for one sign-in."""
    return f"{user_id}.{issued_at}.{_signature(secret, user_id, issued_at, stamp)}"


def parse_token(token: str) -> tuple[int, int] | None:
    """``(user_id, issued_at)`` of a well-formed token, else None (the signature is not checked)."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), int(parts[1])


def token_valid(secret: bytes, token: str, *, stamp: str, now: float, max_age: float) -> bool:
    """True when ``token`` was signed with ``secret`` and ``stamp`` and is under ``max_age`` old."""
    parsed = parse_token(token)
    if parsed is None:
        return False
    user_id, issued_at = parsed
    expected = make_token(secret, user_id=user_id, issued_at=issued_at, stamp=stamp)
    if not hmac.compare_digest(expected.encode(), token.encode()):
        return False
    return issued_at <= now + 60 and now - issued_at < max_age


def issue_token(session: Session, *, secret: bytes, user_id: int, now: float) -> str:
    """A fresh token for the account ``user_id``, issued at ``now``."""
    user = session.get(User, user_id)
    stamp = password_stamp(user.password_hash if user is not None else None)
    return make_token(secret, user_id=user_id, issued_at=int(now), stamp=stamp)


def restore(
    session: Session, *, secret: bytes, token: str, now: float, max_age: float
) -> tuple[Account, int] | None:
    """The active account a valid token belongs to, with the token's issue time; else None."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    user = session.get(User, parsed[0])
    if user is None or not user.active:
        return None
    stamp = password_stamp(user.password_hash)
    if not token_valid(secret, token, stamp=stamp, now=now, max_age=max_age):
        return None
    return Account.of(user), parsed[1]
