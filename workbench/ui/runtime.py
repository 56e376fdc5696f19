"""What every page shares: the process-wide database and the signed-in account."""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from workbench import config
from workbench.db.engine import Database
from workbench.domain.labels import Role
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


SESSION_LIFETIME_SECONDS = config.SESSION_LIFETIME_SECONDS  # ui/server.py reads it here
ACCOUNT_RECHECK_SECONDS = 60


def _end_session(notice: str) -> None:
    state.drop(state.USER)
    state.drop(state.SIGNED_IN_AT)
    state.drop(state.ACCOUNT_CHECKED_AT)
    state.put(state.SIGN_IN_NOTICE, notice)


def current_user() -> SignedIn | None:
    """The signed-in account, or None; a session ends after 8 hours or when deactivated.

    The account is looked up again at most once a minute, so a deactivation ends open
    sessions and a role change takes effect without signing in again.
    """
    user = state.get(state.USER)
    if not isinstance(user, SignedIn):
        return None
    now = time.time()
    signed_in_at = state.get(state.SIGNED_IN_AT)
    if not isinstance(signed_in_at, int | float):
        state.put(state.SIGNED_IN_AT, now)
    elif now - signed_in_at > config.SESSION_LIFETIME_SECONDS:
        _end_session("Your session has expired; please sign in again.")
        return None
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
