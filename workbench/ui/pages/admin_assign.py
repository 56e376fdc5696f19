"""Admin: put articles in reviewers' queues, and take them out again."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.domain.labels import Role
from workbench.services import assignments, users
from workbench.ui import feedback, runtime, state
from workbench.ui.components import paging
from workbench.ui.components.article_picker import matches

PAGE_SIZE = 50
PICK_LIMIT = 50

admin = runtime.require_role(Role.ADMIN)
db = runtime.get_db()
st.title("Assignments", anchor=False)
feedback.show(state.ADMIN_NOTICE)

articles = matches(state.ASSIGN_ARTICLES)  # the search box stays outside the form
needle = st.text_input("Find reviewers", key=state.ASSIGN_REVIEWERS, placeholder="part of a name")
with feedback.show_errors(stop=True), db.read() as session:
    current = assignments.assignment_page(
        session,
        actor_id=admin.id,
        limit=PAGE_SIZE,
        offset=paging.offset_of(state.ASSIGN_PAGE, PAGE_SIZE),
    )
    accounts = users.account_page(
        session, actor_id=admin.id, needle=needle, active_only=True, limit=PICK_LIMIT
    ).accounts


def done(message: str) -> None:
    """Remember the outcome and rerun, so the table below shows the change."""
    feedback.leave(state.ADMIN_NOTICE, "success", message)
    st.rerun()


outcome: str | None = None  # done() outside the form: a rerun must not start inside it
with st.form("assign"):
    chosen = st.multiselect(
        f"Articles (of the {len(articles)} found)",
        list(articles),
        format_func=lambda article: articles[article],
    )
    reviewers = st.multiselect("Reviewers", [a.name for a in accounts])
    if st.form_submit_button("Assign", type="primary"):
        with feedback.show_errors():
            with db.write() as session:
                report = assignments.admin_assign(
                    session, actor_id=admin.id, article_ids=chosen, user_names=reviewers
                )
            outcome = (
                f"{len(report.added)} assignment(s) added, {len(report.already)} already present."
            )
if outcome is not None:
    done(outcome)

st.subheader("Current assignments", anchor=False)
if not current.total:
    st.info("No article is assigned yet; reviewers then see every article.")
    st.stop()
paging.page_box(state.ASSIGN_PAGE, total=current.total, size=PAGE_SIZE, noun="assignments")
rows = current.rows
st.dataframe(
    pd.DataFrame(
        {
            "reviewer": [row.user_name for row in rows],
            "article": [row.article_id for row in rows],
            "title": [row.title for row in rows],
            "since (UTC)": [f"{row.created_at:%Y-%m-%d %H:%M}" for row in rows],
        }
    ),
    hide_index=True,
    width="stretch",
)
pairs = [(row.article_id, row.user_name) for row in rows]
remove = st.selectbox(
    "Remove an assignment", pairs, format_func=lambda pair: f"{pair[1]}: {pair[0]}"
)
if st.button("Remove", key="wb_unassign") and remove is not None:
    with feedback.show_errors():
        with db.write() as session:
            assignments.admin_unassign(
                session, actor_id=admin.id, article_id=remove[0], user_name=remove[1]
            )
        done(f"Removed {remove[0]} from {remove[1]}'s queue.")
