"""What every page shares: the process-wide database and the signed-in account."""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from workbench.config import SessionSettings
from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.services import sessions
from workbench.services.sessions import resolve
from workbench.services.users import live_account
from workbench.ui import state


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The account of this browser session (plain data, never an ORM object)."""

    id: int
    name: str
    role: Role


@st.cache_resource
def get_db() -> Database:
    """One Database (engine and pool) per server process; schema brought to head on start."""
    from workbench.db.migrate import upgrade

    database = Database.from_url()
    upgrade(database.engine)
    return database


ACCOUNT_RECHECK_SECONDS = 60
ENDED = "Your session has ended; please sign in again."


def _end_session(notice: str) -> None:
    state.drop(state.USER)
    state.drop(state.SESSION_TOKEN)
    state.drop(state.ACCOUNT_CHECKED_AT)
    state.put(state.SIGN_IN_NOTICE, notice)


def browser_connected() -> bool:
    """True when this script run serves a browser connection (it sent the request's headers).

    AppTest and bare script runs have no connection, hence no headers and no cookies.
    """
    return len(st.context.headers) > 0


def request_cookie() -> str:
    """The session cookie the browser sent when this tab connected ("" when none)."""
    value = st.context.cookies.get(sessions.COOKIE_NAME)
    return value if isinstance(value, str) else ""  # AppTest's stand-in runtime has no cookies


def session_token() -> str:
    """The session token of this browser: the one signed in from this tab, else the cookie's."""
    token = state.get(state.SESSION_TOKEN)
    if isinstance(token, str) and token:
        return token
    return request_cookie()


def current_user() -> SignedIn | None:
    """The signed-in account, or None; looked up in the sessions table on every call.

    The rule: a session token (the HttpOnly cookie, or the token of a sign-in made in this
    tab) is the only proof of sign-in in a browser. Its row must exist, be within the idle
    timeout and the lifetime, and belong to an active account; the name and role come from
    the database, so a role change or a sign-out elsewhere counts at the next click. A user
    kept in session state without a token is trusted only where no browser is connected
    (AppTest page tests, which cannot send cookies), and is then re-checked once a minute.
    """
    token = session_token()
    if token:
        account = resolve(get_db(), token=token, settings=SessionSettings.from_env())
        if account is None:
            _end_session(ENDED)
            return None
        user = SignedIn(account.id, account.name, account.role)
        if state.get(state.USER) != user:
            state.put(state.USER, user)
        return user
    user = state.get(state.USER)
    if not isinstance(user, SignedIn):
        return None
    if browser_connected():  # a browser that holds no session token is not signed in
        _end_session(ENDED)
        return None
    return _checked_state_user(user)


def _checked_state_user(user: SignedIn) -> SignedIn | None:
    """The state user of a run without a browser, looked up again at most once a minute."""
    now = time.time()
    checked = state.get(state.ACCOUNT_CHECKED_AT)
    if not isinstance(checked, int | float) or now - checked > ACCOUNT_RECHECK_SECONDS:
        account = live_account(get_db(), user_id=user.id)
        if account is None:
            _end_session("Your account has been deactivated; ask an admin.")
            return None
        if (account.name, account.role) != (user.name, user.role):
            user = SignedIn(account.id, account.name, account.role)
            state.put(state.USER, user)
        state.put(state.ACCOUNT_CHECKED_AT, now)
    return user


def require_role(role: Role) -> SignedIn:
    """The signed-in account if its role allows ``role``; otherwise a refusal and stop."""
    user = current_user()
    if user is None:
        st.error("Please sign in first.")
        st.stop()
    if not user.role.allows(role):
        st.error(
            f"This page needs the {role.value} role; your account is {user.role.with_article}."
        )
        st.stop()
    return user
