"""Editor: choose a format and a gold-label policy, preview the counts, export and download."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from workbench.db import labels, queries
from workbench.domain.gold import Policy
from workbench.domain.labels import Role
from workbench.errors import WorkbenchError
from workbench.exporters import FORMATS
from workbench.services import export as service
from workbench.ui import runtime, state
from workbench.ui.components.text import escape_markdown

LAST_EXPORT = "wb_export_last"

runtime.require_role(Role.EDITOR)
db = runtime.get_db()
st.title("Export", anchor=False)
st.caption(
    "A gold label comes from an editor's adjudication when there is one, otherwise from the "
    "policy. Same database and options give byte-identical files."
)


@st.cache_data(max_entries=64, show_spinner="Counting…")
def _preview(
    database: str, last_change: int, articles: int, options: service.ExportOptions
) -> dict[str, dict[str, int]]:
    """Counts and gold labels for one database state (the key changes with every save)."""
    stats = service.preview_export(runtime.get_db(), options=options)
    return {"counts": stats.counts(), "gold": stats.label_distribution()["gold"]}


with db.read() as session:
    article_ids = queries.article_ids(session)
    last = labels.last_change(session)
left, middle, right = st.columns(3)
fmt = left.selectbox("Format", FORMATS, key="wb_export_format")
policy = middle.selectbox("Policy", [p.value for p in Policy], key="wb_export_policy")
min_reviewers = right.number_input(
    "Min reviewers", min_value=1, max_value=50, value=2, step=1, key="wb_export_min"
)
articles = st.multiselect(
    "Articles", article_ids, placeholder="All articles", key="wb_export_articles"
)
anonymize = st.checkbox("Replace reviewer names by stable pseudonyms", key="wb_export_anon")
options = service.ExportOptions(
    format=str(fmt),
    policy=str(policy),
    min_reviewers=int(min_reviewers),
    anonymize=anonymize,
    article_ids=tuple(articles),
)

key = db.engine.url.render_as_string(hide_password=True)
try:
    preview = _preview(key, last, len(article_ids), options)
except WorkbenchError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()
counts = preview["counts"]
for column, (name, value) in zip(st.columns(len(counts)), counts.items(), strict=True):
    column.metric(name.capitalize(), f"{value:,}")
distribution = preview["gold"]
if distribution:
    st.dataframe(
        pd.DataFrame({"label": list(distribution), "claims": list(distribution.values())}),
        hide_index=True,
    )
else:
    st.info("No sentence has a gold label under these options yet.")

if st.button("Export", type="primary", icon=":material/download:", key="wb_export_run"):
    target = service.exports_dir() / service.folder_name(options)
    try:
        with st.spinner("Exporting…"):
            result = service.export_dataset(db, out=target, options=options)
    except (WorkbenchError, OSError) as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    state.put(LAST_EXPORT, (options, str(result.folder)))

last = state.get(LAST_EXPORT)
if last is not None and last[0] == options:
    folder = Path(last[1])
    st.success(f"Written to {escape_markdown(str(folder))}")
    st.download_button(
        "Download zip",
        data=service.zip_folder(folder),
        file_name=f"{folder.name}.zip",
        mime="application/zip",
        on_click="ignore",
        key="wb_export_download",
    )
