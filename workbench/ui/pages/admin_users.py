"""Admin: accounts — create, reset a password, change a role, deactivate or reactivate."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.domain.labels import Role
from workbench.errors import WorkbenchError
from workbench.services import users
from workbench.ui import feedback, runtime, state
from workbench.ui.components import paging
from workbench.ui.components.account_changes import account_changes

PAGE_SIZE = 50


def _password_fields(label: str) -> tuple[str, str]:
    """A password field and the field repeating it."""
    password = st.text_input(label, type="password")
    return password, st.text_input(f"Repeat {label.lower()}", type="password")


def _one_password(typed: tuple[str, str]) -> str:
    """The password typed twice, or an error when the two differ (checked before any write)."""
    password, repeat = typed
    if password != repeat:
        raise WorkbenchError("The two passwords differ.")
    return password


admin = runtime.require_role(Role.ADMIN)
db = runtime.get_db()
st.title("Users", anchor=False)
feedback.show(state.ADMIN_NOTICE)

needle = st.text_input(
    "Find accounts", key=state.USERS_SEARCH, placeholder="part of a name", max_chars=100
).strip()
page_key = f"{state.USERS_PAGE}:{needle}"  # a new search starts on its first page
with feedback.show_errors(stop=True), db.read() as session:
    found = users.account_page(
        session,
        actor_id=admin.id,
        needle=needle,
        limit=PAGE_SIZE,
        offset=paging.offset_of(page_key, PAGE_SIZE),
    )
accounts = found.accounts
paging.page_box(page_key, total=found.total, size=PAGE_SIZE, noun="accounts")
st.dataframe(
    pd.DataFrame(
        {
            "name": [a.name for a in accounts],
            "role": [a.role.value for a in accounts],
            "e-mail": [a.email or "" for a in accounts],
            "active": [a.active for a in accounts],
            "has password": [a.has_password for a in accounts],
            "locked until (UTC)": [
                f"{a.locked_until:%Y-%m-%d %H:%M}" if a.locked_until else "" for a in accounts
            ],
        }
    ),
    hide_index=True,
    width="stretch",
)
names = [a.name for a in accounts]  # the accounts listed above: search to reach others


outcome: str | None = None  # set by an action; shown after a rerun so the table is fresh

create_tab, reset_tab, role_tab, active_tab = st.tabs(
    ["Create account", "Reset password", "Change role", "Deactivate"]
)
with create_tab, st.form("create_account", clear_on_submit=True):
    name = st.text_input("Account name", max_chars=100)
    role = st.selectbox("Role", [r.value for r in Role])
    email = st.text_input("E-mail (optional; matches single sign-on)", max_chars=320)
    typed = _password_fields("Password")
    if st.form_submit_button("Create account", type="primary"):
        with feedback.show_errors():
            with db.write() as session:
                made = users.admin_create_user(
                    session,
                    actor_id=admin.id,
                    name=name,
                    role=str(role),
                    password=_one_password(typed),
                    email=email or None,
                )
            outcome = f"Created {made.role.value} account {made.name!r}."

with reset_tab, st.form("reset_password", clear_on_submit=True):
    target = st.selectbox("Account", names, key="wb_reset_account")
    typed = _password_fields("New password")
    if st.form_submit_button("Reset password", type="primary"):
        with feedback.show_errors():
            with db.write() as session:
                changed = users.admin_set_password(
                    session, actor_id=admin.id, name=str(target), password=_one_password(typed)
                )
            outcome = f"Password of {changed.name!r} reset; any lock-out is lifted."

with role_tab, st.form("change_role"):
    target = st.selectbox("Account", names, key="wb_role_account")
    role = st.selectbox("New role", [r.value for r in Role], key="wb_role_value")
    st.caption("Applies within a minute, also in open sessions; every change is audited.")
    if st.form_submit_button("Change role", type="primary"):
        with feedback.show_errors():
            with db.write() as session:
                moved, role_changed = users.admin_set_role(
                    session, actor_id=admin.id, name=str(target), role=str(role)
                )
            verb = "is now" if role_changed else "is already"
            outcome = f"{moved.name!r} {verb} {moved.role.with_article}."

with active_tab:
    target = st.selectbox("Account", names, key="wb_active_account")
    st.caption("A deactivated account cannot sign in; its labels stay in the dataset.")
    left, right = st.columns(2)
    for column, active, label in ((left, False, "Deactivate"), (right, True, "Reactivate")):
        if column.button(label, key=f"wb_set_active_{active}", width="stretch"):
            with feedback.show_errors():
                with db.write() as session:
                    account = users.admin_set_active(
                        session, actor_id=admin.id, name=str(target), active=active
                    )
                state_word = "active" if account.active else "deactivated"
                outcome = f"{account.name!r} is now {state_word}."

account_changes(db, admin.id)

if outcome is not None:
    feedback.leave(state.ADMIN_NOTICE, "success", outcome)
    st.rerun()
