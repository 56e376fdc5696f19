"""Sign-in screens: first admin on an empty database, local accounts, optional single sign-on."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from workbench.db.engine import Database
from workbench.errors import AuthenticationError, WorkbenchError
from workbench.services import users
from workbench.ui import runtime, state
from workbench.ui.components.text import escape_markdown


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section for ``st.login``."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def _start_session(account: users.Account) -> None:
    """Keep the account (plain data) and the sign-in time in this browser session, then rerun."""
    state.put(state.USER, runtime.SignedIn(account.id, account.name, account.role))
    state.put(state.SIGNED_IN_AT, time.time())
    state.put(state.ACCOUNT_CHECKED_AT, time.time())
    state.drop(state.SIGN_IN_NOTICE)
    st.rerun()


def sign_out() -> None:
    """Forget the signed-in account (and end the single sign-on session when there is one)."""
    state.drop(state.USER)
    state.drop(state.SIGNED_IN_AT)
    state.drop(state.ACCOUNT_CHECKED_AT)
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
        _start_session(account)


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
    try:
        with db.write() as session:
            return users.Account.of(users.create_first_admin(session, name=name, password=password))
    except WorkbenchError as exc:
        st.error(escape_markdown(str(exc)))
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
        _start_session(account)


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
    try:
        return users.sign_in(db, name=name, password=password)
    except WorkbenchError as exc:
        st.error(escape_markdown(str(exc)))
        return None
