"""Admin: load articles by upload, with the same rules and messages as ``workbench ingest``."""

from __future__ import annotations

import streamlit as st

from workbench.domain.labels import Role
from workbench.services.uploads import upload_articles
from workbench.ui import feedback, runtime
from workbench.ui.components.text import escape_markdown

admin = runtime.require_role(Role.ADMIN)
db = runtime.get_db()
st.title("Ingest articles", anchor=False)
st.caption(
    "Upload .txt, .md, .html, .jsonl or .csv files. Each file is loaded on its own: a bad file "
    "leaves nothing behind and the good ones are still loaded; identical content is skipped."
)

with st.form("upload", clear_on_submit=True):
    # No ``type=`` filter: a file of another type gets the ingest's own message naming it,
    # where Streamlit's check would end the page with an exception instead.
    files = st.file_uploader("Files", accept_multiple_files=True)
    submitted = st.form_submit_button("Ingest", type="primary")

if submitted:
    if not files:
        st.error("Choose at least one file to upload.")
        st.stop()
    with feedback.show_errors(stop=True):
        results = upload_articles(
            db, actor_id=admin.id, files=[(f.name, f.getvalue()) for f in files]
        )
    added = [article for _, report in results for article in report.added]
    duplicates = sum(len(report.duplicates) for _, report in results)
    errors = [error for _, report in results for error in report.errors]
    summary = f"{len(added)} article(s) added, {duplicates} already present, {len(errors)} error(s)"
    (st.warning if errors else st.success)(summary)
    for error in errors:
        st.error(escape_markdown(f"error: {error}"))
    if added:
        st.markdown("Added: " + ", ".join(escape_markdown(article) for article in added))
