"""Personal access tokens: stored hashed, shown once, owner-only revoke, deactivation ends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from workbench.db.engine import Database
from workbench.db.models import AccessToken, utcnow
from workbench.errors import AuthenticationError, InputError, NotFoundError
from workbench.services import tokens
from workbench.services.sessions import hash_secret
from workbench.services.users import set_active


def _new(db: Database, user_id: int, name: str = "feed") -> tokens.NewToken:
    with db.write() as session:
        return tokens.create_token(session, actor_id=user_id, name=name)


def test_only_the_hash_is_stored_and_the_secret_authenticates(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    made = _new(db, ana)
    assert made.secret.startswith("wb_") and len(made.secret) == 3 + 43
    with db.read() as session:
        row = session.scalars(select(AccessToken)).one()
        stored = (row.token_hash, row.prefix, row.last_used_at)
    assert stored[0] == hash_secret(made.secret) and made.secret not in stored
    assert stored[1] == made.secret[:9] and stored[2] is None
    assert tokens.authenticate(db, secret=made.secret).name == "ana"
    with db.read() as session:
        assert session.scalars(select(AccessToken)).one().last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    made = _new(db, make_user("ana"))
    now = utcnow()
    tokens.authenticate(db, secret=made.secret, now=now)
    tokens.authenticate(db, secret=made.secret, now=now + timedelta(seconds=30))
    with db.read() as session:
        first = session.scalars(select(AccessToken)).one().last_used_at
    assert first is not None and first.replace(tzinfo=now.tzinfo) == now
    tokens.authenticate(db, secret=made.secret, now=now + timedelta(minutes=2))
    with db.read() as session:
        later = session.scalars(select(AccessToken)).one().last_used_at
    assert later is not None and later.replace(tzinfo=now.tzinfo) == now + timedelta(minutes=2)


@pytest.mark.parametrize("secret", ["", "wb_", "wb_nope", "ghp_x", "wb_" + "a" * 300])
def test_bad_secrets_are_one_message(db: Database, make_user, secret: str) -> None:  # type: ignore[no-untyped-def]
    _new(db, make_user("ana"))
    with pytest.raises(AuthenticationError, match="^invalid or revoked access token$"):
        tokens.authenticate(db, secret=secret)


def test_revoke_is_for_the_owner_only(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, bob = make_user("ana"), make_user("bob")
    made = _new(db, ana)
    with db.write() as session, pytest.raises(NotFoundError, match="you have no token"):
        tokens.revoke_token(session, actor_id=bob, token_id=made.info.id)
    assert tokens.authenticate(db, secret=made.secret).name == "ana"
    with db.write() as session:
        assert not tokens.revoke_token(session, actor_id=ana, token_id=made.info.id).active
    with pytest.raises(AuthenticationError):
        tokens.authenticate(db, secret=made.secret)
    with db.read() as session:
        listed = tokens.list_tokens(session, actor_id=ana)
        assert [(t.name, t.active) for t in listed] == [("feed", False)]
        assert tokens.list_tokens(session, actor_id=bob) == []


def test_deactivation_revokes_for_good(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    made = _new(db, make_user("ana"))
    with db.write() as session:
        set_active(session, name="ana", active=False)
    with db.write() as session, pytest.raises(InputError, match="deactivated"):
        tokens.create_token_for(session, user_name="ana", name="again")
    with db.write() as session:
        set_active(session, name="ana", active=True)
    with pytest.raises(AuthenticationError):
        tokens.authenticate(db, secret=made.secret)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "must not be empty"),
        ("x" * 101, "at most 100"),
        ("a\u202eb", "control or invisible"),
    ],
)
def test_bad_token_names_store_nothing(db: Database, make_user, name: str, message: str) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    with db.write() as session, pytest.raises(InputError, match=message):
        tokens.create_token(session, actor_id=ana, name=name)
    with db.read() as session:
        assert tokens.list_tokens(session, actor_id=ana) == []


def test_live_tokens_are_bounded(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    for number in range(tokens.MAX_LIVE_TOKENS):
        _new(db, ana, f"t{number}")
    with pytest.raises(InputError, match="revoke one first"):
        _new(db, ana, "one too many")
