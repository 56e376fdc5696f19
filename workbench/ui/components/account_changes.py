"""The admin's list of the latest audited account changes (roles, activation, passwords)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.db.engine import Database
from workbench.services import users

CHANGES_SHOWN = 20


def account_changes(db: Database, admin_id: int) -> None:
    """The latest CHANGES_SHOWN account changes in an expander, newest first."""
    with db.read() as session:
        changes = users.account_changes(session, actor_id=admin_id, limit=CHANGES_SHOWN)
    frame = pd.DataFrame(
        {
            "when (UTC)": [f"{c.at:%Y-%m-%d %H:%M}" for c in changes],
            "by": [c.actor or "(command line)" for c in changes],
            "account": [c.account for c in changes],
            "change": [
                ", ".join(f"{key}: {c.old.get(key)} → {value}" for key, value in c.new.items())
                for c in changes
            ],
        }
    )
    with st.expander(f"Latest {CHANGES_SHOWN} account changes"):
        st.dataframe(frame, hide_index=True, width="stretch")
