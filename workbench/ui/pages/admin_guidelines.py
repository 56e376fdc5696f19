"""Admin: the labeling guidelines — write a new version, preview it, see earlier versions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.domain.guidelines import MAX_GUIDELINES_LENGTH
from workbench.domain.labels import Role
from workbench.services import guidelines
from workbench.ui import feedback, runtime, state
from workbench.ui.components.guidelines_view import guidelines_markdown
from workbench.ui.components.unsaved_guard import guard_unsent_text

VERSIONS_SHOWN = 20

admin = runtime.require_role(Role.ADMIN)
db = runtime.get_db()
st.title("Guidelines", anchor=False)
feedback.show(state.ADMIN_NOTICE)

with feedback.show_errors(stop=True), db.read() as session:
    current = guidelines.guidelines_in_force(session)
    history = guidelines.guideline_history(session, limit=VERSIONS_SHOWN)
if current is None:
    st.info("There are no guidelines yet: the first version you save is version 1.")
else:
    by = current.author or ("the packaged default" if current.version == 1 else "the command line")
    st.caption(
        f"Version {current.version} is in force, saved {current.created_at:%Y-%m-%d %H:%M} UTC "
        f"by {by}. Reviewers see it on the annotate page; every label stores the version it "
        "was made under."
    )
state.put_default(state.GUIDELINES_TEXT, current.text if current is not None else "")

outcome: str | None = None
edit_tab, preview_tab, versions_tab = st.tabs(["Edit", "Preview", "Versions"])
with edit_tab, st.form("wb_guidelines_form", border=False):
    st.text_area(
        "Guidelines (Markdown: headings, lists, bold and italic; HTML and links show as text)",
        key=state.GUIDELINES_TEXT,
        height=480,
        max_chars=MAX_GUIDELINES_LENGTH,
    )
    st.caption(
        "A line such as `- **verified**: reliable evidence supports the claim.` becomes the "
        "tooltip of that label's button."
    )
    if st.form_submit_button("Save as a new version", type="primary"):
        with feedback.show_errors(), db.write() as session:
            before = current.version if current is not None else None
            version = guidelines.save_guidelines(
                session, author_id=admin.id, text=str(state.get(state.GUIDELINES_TEXT, ""))
            )
            outcome = f"Saved as version {version}." if version != before else "Nothing changed."
with preview_tab:
    typed = str(state.get(state.GUIDELINES_TEXT, ""))
    st.caption("As reviewers will see the text in the editor.")
    with st.container(border=True):
        st.markdown(guidelines_markdown(typed))
with versions_tab:
    st.caption(f"The newest {VERSIONS_SHOWN} versions; each save adds one, none is overwritten.")
    st.dataframe(
        pd.DataFrame(
            {
                "version": [v.version for v in history],
                "saved (UTC)": [f"{v.created_at:%Y-%m-%d %H:%M:%S}" for v in history],
                "by": [
                    v.author or ("packaged default" if v.version == 1 else "command line")
                    for v in history
                ],
                "characters": [len(v.text) for v in history],
            }
        ),
        hide_index=True,
        width="stretch",
    )

guard_unsent_text()  # leaving with an unsaved draft of the guidelines asks first
if outcome is not None:
    feedback.leave(state.ADMIN_NOTICE, "success", outcome)
    st.rerun()
