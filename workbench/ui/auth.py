"""Sign-in screens: first admin on an empty database, local accounts, optional single sign-on."""

from __future__ import annotations

import json
import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from workbench import config
from workbench.db.engine import Database
from workbench.errors import AuthenticationError
from workbench.keyfile import read_or_create
from workbench.services import sessions, users
from workbench.ui import feedback, runtime, state
from workbench.ui.components.text import escape_markdown


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section for ``st.login``."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


@st.cache_resource
def _file_secret(url: str) -> bytes:
    return read_or_create(config.session_key_file(url))


def session_secret(db: Database) -> bytes:
    """The key that signs session cookies: ``session_secret`` in secrets.toml, else a key file."""
    try:
        configured = st.secrets.get("session_secret")
    except FileNotFoundError:  # no secrets file at all
        configured = None
    if configured:
        return str(configured).encode("utf-8")
    return _file_secret(db.engine.url.render_as_string(hide_password=True))


def _start_session(account: users.Account, db: Database) -> None:
    """Keep the account (plain data) and the sign-in time in this browser session, then rerun."""
    now = time.time()
    with db.read() as session:
        token = sessions.issue_token(
            session, secret=session_secret(db), user_id=account.id, now=now
        )
    state.put(state.USER, runtime.SignedIn(account.id, account.name, account.role))
    state.put(state.SIGNED_IN_AT, now)
    state.put(state.ACCOUNT_CHECKED_AT, now)
    state.put(state.COOKIE_PENDING, token)
    state.drop(state.SIGN_IN_NOTICE)
    st.rerun()


def _request_cookie() -> str:
    """The session cookie the browser sent when this session connected ("" when none)."""
    return str(st.context.cookies.get(sessions.COOKIE_NAME) or "")


def restore_session(db: Database) -> bool:
    """Sign in again from a valid session cookie (after a reload); True when it did."""
    if state.get(state.USER) is not None:
        return False
    token = _request_cookie()
    if not token or token == state.get(state.COOKIE_REFUSED):
        return False
    now = time.time()
    with db.read() as session:
        restored = sessions.restore(
            session,
            secret=session_secret(db),
            token=token,
            now=now,
            max_age=config.SESSION_LIFETIME_SECONDS,
        )
    if restored is None:  # forged, expired, password reset or account deactivated
        state.put(state.COOKIE_REFUSED, token)
        state.put(state.COOKIE_PENDING, "")
        return False
    account, issued_at = restored
    state.put(state.USER, runtime.SignedIn(account.id, account.name, account.role))
    state.put(state.SIGNED_IN_AT, float(issued_at))
    state.put(state.ACCOUNT_CHECKED_AT, now)
    return True


def cookie_script(token: str) -> str:
    """The script that stores ``token`` as the session cookie ("" deletes the cookie)."""
    age = config.SESSION_LIFETIME_SECONDS if token else 0
    cookie = f"{sessions.COOKIE_NAME}={token}; Max-Age={age}; Path=/; SameSite=Strict"
    return (
        f"<script>document.cookie = {json.dumps(cookie)}"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def write_cookie() -> None:
    """Write (or delete) the session cookie in the browser when sign-in or sign-out asked to."""
    pending = state.get(state.COOKIE_PENDING)
    if not isinstance(pending, str):
        return
    state.drop(state.COOKIE_PENDING)
    st.html(cookie_script(pending), unsafe_allow_javascript=True)


def sign_out() -> None:
    """Forget the signed-in account and its cookie (and end single sign-on when there is one)."""
    state.drop(state.USER)
    state.drop(state.SIGNED_IN_AT)
    state.drop(state.ACCOUNT_CHECKED_AT)
    state.put(state.COOKIE_REFUSED, _request_cookie())
    state.put(state.COOKIE_PENDING, "")
    if sso_configured() and st.user.is_logged_in:
        st.logout()


def _centered() -> DeltaGenerator:
    """A middle column, so the sign-in forms do not stretch across a wide screen."""
    return st.columns([1, 2, 1])[1]


def first_admin_page(db: Database | None = None) -> None:
    """On an empty database: create the first admin account and sign it in."""
    with _centered():
        account = _first_admin_form(db or runtime.get_db())
    if account is not None:
        _start_session(account, db or runtime.get_db())


def _first_admin_form(db: Database) -> users.Account | None:
    st.title("Welcome to the fact-check workbench", anchor=False)
    st.write("There are no accounts yet. Create the first admin account.")
    with st.form("first_admin", clear_on_submit=True):
        name = st.text_input("Account name", max_chars=100)
        password = st.text_input("Password", type="password")
        repeat = st.text_input("Repeat password", type="password")
        submitted = st.form_submit_button("Create admin account", type="primary")
    if not submitted:
        return None
    if password != repeat:
        st.error("The two passwords differ.")
        return None
    with feedback.show_errors(), db.write() as session:
        return users.Account.of(users.create_first_admin(session, name=name, password=password))
    return None


def _single_sign_on(db: Database) -> users.Account | None:
    """The single sign-on button, or the account matching the signed-on e-mail."""
    if not st.user.is_logged_in:
        st.button("Sign in with single sign-on", on_click=st.login, key="sso_login")
        st.caption("or with a workbench account:")
        return None
    email = st.user.get("email")
    try:
        with db.read() as session:
            return users.account_for_email(session, email=str(email or ""))
    except AuthenticationError as exc:
        st.error(escape_markdown(str(exc)))
        st.button("Sign out of single sign-on", on_click=st.logout, key="sso_logout")
        return None


def sign_in_page(db: Database | None = None) -> None:
    """Name and password form (plus single sign-on when configured)."""
    with _centered():
        account = _sign_in_form(db or runtime.get_db())
    if account is not None:
        _start_session(account, db or runtime.get_db())


def _sign_in_form(db: Database) -> users.Account | None:
    st.title("Sign in", anchor=False)
    notice = state.get(state.SIGN_IN_NOTICE)
    if notice:
        st.info(str(notice))
    if sso_configured() and (account := _single_sign_on(db)) is not None:
        return account
    with st.form("sign_in", clear_on_submit=True):
        name = st.text_input("Account name", max_chars=100)
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return None
    with feedback.show_errors():
        return users.sign_in(db, name=name, password=password)
    return None
