"""The Access tokens page: create (secret shown once), list, revoke; only one's own tokens."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.errors import AuthenticationError
from workbench.services.tokens import authenticate, create_token
from workbench.ui.runtime import SignedIn

PAGE = "access_tokens.py"


def test_create_shows_the_secret_once_then_revoke(
    db: Database,
    make_user,
    signed_in_page: Callable[[str, SignedIn], AppTest],  # type: ignore[no-untyped-def]
) -> None:
    ana = SignedIn(make_user("ana"), "ana", Role.REVIEWER)
    bob = make_user("bob")
    with db.write() as session:
        create_token(session, actor_id=bob, name="bob's feed")
    at = signed_in_page(PAGE, ana)
    assert [i.value for i in at.info] == ["You have no access tokens yet."]
    at.text_input[0].input("dashboard")
    at = at.button[0].click().run()
    assert not at.exception
    secret = at.code[0].value
    assert secret.startswith("wb_") and "not shown again" in at.success[0].value
    assert authenticate(db, secret=secret).name == "ana"
    assert "bob's feed" not in str([m.value for m in at.markdown])
    at = at.run()  # any later run: the secret is gone, the token is listed by its prefix
    assert not at.code and any(secret[:9] in m.value for m in at.markdown)
    at = at.button(key=next(b.key for b in at.button if b.key and "revoke" in b.key)).click().run()
    assert any("revoked" in c.value for c in at.caption)
    with pytest.raises(AuthenticationError):
        authenticate(db, secret=secret)


def test_a_bad_name_is_an_error_and_stores_nothing(
    db: Database,
    make_user,
    signed_in_page: Callable[[str, SignedIn], AppTest],  # type: ignore[no-untyped-def]
) -> None:
    ana = SignedIn(make_user("ana"), "ana", Role.REVIEWER)
    at = signed_in_page(PAGE, ana)
    at = at.button[0].click().run()
    assert [e.value for e in at.error] == ["token name must not be empty"]
    assert not at.code and [i.value for i in at.info] == ["You have no access tokens yet."]
