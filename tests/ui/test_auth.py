"""Sign-in screens in AppTest: first admin, passwords, lock-out, expiry, single sign-on."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
import streamlit as st
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.db.models import User, WebSession, utcnow
from workbench.services.sessions import hash_secret
from workbench.services.users import create_user, set_active
from workbench.ui.components.text import escape_markdown

SCRIPT = """
import streamlit as st
from workbench.db.queries import count_users
from workbench.ui import auth, runtime

db = runtime.get_db()
user = runtime.current_user()
if user is None:
    with db.read() as session:
        empty = count_users(session) == 0
    auth.first_admin_page(db) if empty else auth.sign_in_page(db)
else:
    st.markdown(f"signed in as {user.name} ({user.role.value})")
"""
PASSWORD = "correct horse battery"


@pytest.fixture
def app(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """An AppTest of the sign-in flow on the test database."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    yield AppTest.from_string(SCRIPT, default_timeout=30)
    st.cache_resource.clear()


def _texts(at: AppTest) -> list[str]:
    """Every piece of text the page writes (markdown, titles, messages, captions)."""
    out = [e.value for e in at.markdown] + [e.value for e in at.error] + [e.value for e in at.info]
    out += [e.value for e in at.title] + [e.value for e in at.caption]
    return [str(text) for text in out]


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[-1].click().run()


def test_first_screen_creates_the_first_admin_and_signs_in(app: AppTest, db: Database) -> None:
    at = app.run()
    assert at.title[0].value == "Welcome to the fact-check workbench"
    at.text_input[0].input("chief")
    at.text_input[1].input(PASSWORD)
    at.text_input[2].input(PASSWORD)
    at = at.button[0].click().run()
    assert not at.exception
    assert at.markdown[-1].value == "signed in as chief (admin)"
    with db.read() as session:
        users = list(session.scalars(select(User)))
    assert [(u.name, u.role) for u in users] == [("chief", "admin")]
    assert users[0].password_hash is not None and users[0].password_hash.startswith("$argon2id$")
    # A server-side session: the tab keeps its token, the browser is sent off with a code only.
    with db.read() as session:
        row = session.scalars(select(WebSession)).one()
    token = at.session_state["wb_session_token"]
    assert row.user_id == users[0].id and row.token_hash == hash_secret(token)
    handover = at.session_state["wb_handover"]
    assert handover.startswith("/wb/session/start?code=") and token not in handover


def test_first_admin_passwords_must_match(app: AppTest, db: Database) -> None:
    at = app.run()
    at.text_input[0].input("chief")
    at.text_input[1].input(PASSWORD)
    at.text_input[2].input(PASSWORD + "x")
    at = at.button[0].click().run()
    assert [e.value for e in at.error] == ["The two passwords differ."]
    with db.read() as session:
        assert list(session.scalars(select(User))) == []


def _add(db: Database, name: str, role: str = "reviewer", email: str | None = None) -> None:
    with db.write() as session:
        create_user(session, name=name, role=role, password=PASSWORD, email=email)


def test_sign_in_with_password(app: AppTest, db: Database) -> None:
    _add(db, "ana")
    at = app.run()
    assert at.title[0].value == "Sign in"
    at = _sign_in(at, "ana", PASSWORD)
    assert not at.exception
    assert at.markdown[-1].value == "signed in as ana (reviewer)"


def test_wrong_password_is_refused_and_never_shown_or_logged(
    app: AppTest, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    _add(db, "ana")
    caplog.set_level(logging.DEBUG)
    at = _sign_in(app.run(), "ana", "a wrong secret")
    assert [e.value for e in at.error] == ["wrong name or password"]
    assert "wb_user" not in at.session_state
    with db.read() as session:
        user = session.scalar(select(User).where(User.name == "ana"))
        assert user is not None and user.failed_logins == 1
        password_hash = user.password_hash
    assert password_hash is not None
    for secret in ("a wrong secret", PASSWORD, password_hash):
        assert all(secret not in text for text in _texts(at))
        assert secret not in caplog.text


def test_five_failures_lock_the_account_and_only_the_right_password_is_told(
    app: AppTest, db: Database
) -> None:
    _add(db, "ana")
    at = app.run()
    for _ in range(4):
        at = _sign_in(at, "ana", "nope-nope-nope")
        assert [e.value for e in at.error] == ["wrong name or password"]
    at = _sign_in(at, "ana", "nope-nope-nope")  # the fifth failure locks without saying so
    assert [e.value for e in at.error] == ["wrong name or password"]
    at = _sign_in(at, "ana", "nope-nope-nope")
    assert [e.value for e in at.error] == ["wrong name or password"]
    locked = "account 'ana' is locked after 5 failed sign-ins; try again in 15 minutes"
    at = _sign_in(at, "ana", PASSWORD)  # only the right password learns of the lock
    assert [e.value for e in at.error] == [escape_markdown(locked)]
    assert "wb_user" not in at.session_state


def test_expired_session_returns_to_sign_in_with_a_message(app: AppTest, db: Database) -> None:
    _add(db, "ana")
    at = _sign_in(app.run(), "ana", PASSWORD)
    assert at.markdown[-1].value == "signed in as ana (reviewer)"
    with db.write() as session:
        session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    at = at.run()
    assert at.title[0].value == "Sign in"
    assert [e.value for e in at.info] == ["Your session has ended; please sign in again."]
    assert "wb_user" not in at.session_state
    at = _sign_in(at, "ana", PASSWORD)
    assert at.markdown[-1].value == "signed in as ana (reviewer)"
    assert not at.info


def test_deactivation_ends_an_open_session_and_role_changes_apply_at_once(
    app: AppTest, db: Database
) -> None:
    _add(db, "ana")
    at = _sign_in(app.run(), "ana", PASSWORD)
    with db.write() as session:
        set_role = session.scalar(select(User).where(User.name == "ana"))
        assert set_role is not None
        set_role.role = "editor"
    at = at.run()  # the session's account is read with every run: the new role at once
    assert at.markdown[-1].value == "signed in as ana (editor)"
    with db.write() as session:
        set_active(session, name="ana", active=False)
    at = at.run()
    assert at.title[0].value == "Sign in"
    assert [e.value for e in at.info] == ["Your session has ended; please sign in again."]
    assert "wb_user" not in at.session_state


SSO_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret",
    "client_id": "workbench",
    "client_secret": "test-only",
    "server_metadata_url": "https://accounts.example.org/.well-known/openid-configuration",
}


def test_single_sign_on_button_only_when_configured(app: AppTest, db: Database) -> None:
    _add(db, "ana")
    at = app.run()
    assert [b.label for b in at.button] == ["Sign in"]
    app.secrets["auth"] = SSO_SECRETS
    app.user = {"is_logged_in": False}
    at = app.run()
    assert [b.label for b in at.button] == ["Sign in with single sign-on", "Sign in"]


def test_single_sign_on_maps_the_email_to_an_account(app: AppTest, db: Database) -> None:
    _add(db, "ana", role="editor", email="ana@example.org")
    app.secrets["auth"] = SSO_SECRETS
    app.user = {"is_logged_in": True, "email": "Ana@Example.org"}
    at = app.run()
    assert not at.exception
    assert at.markdown[-1].value == "signed in as ana (editor)"


def test_single_sign_on_refuses_an_unknown_email(app: AppTest, db: Database) -> None:
    _add(db, "ana", email="ana@example.org")
    app.secrets["auth"] = SSO_SECRETS
    app.user = {"is_logged_in": True, "email": "stranger@example.org"}
    at = app.run()
    assert [e.value for e in at.error] == [
        escape_markdown(
            "no workbench account has the e-mail 'stranger@example.org'; ask an admin to add it"
        )
    ]
    assert "wb_user" not in at.session_state
    assert "Sign out of single sign-on" in [b.label for b in at.button]
