"""What every page shares: the process-wide database and the signed-in account."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from workbench.db.engine import Database
from workbench.domain.labels import Role
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


def current_user() -> SignedIn | None:
    """The signed-in account, or None."""
    user = state.get(state.USER)
    return user if isinstance(user, SignedIn) else None


def require_role(role: Role) -> SignedIn:
    """The signed-in account if its role allows ``role``; otherwise a refusal and stop."""
    user = current_user()
    if user is None:
        st.error("Please sign in first.")
        st.stop()
    if not user.role.allows(role):
        st.error(f"This page needs the {role.value} role; your account is a {user.role.value}.")
        st.stop()
    return user
