"""Editor: choose a format and a gold-label policy, preview the counts, export and download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from workbench.domain.gold import Policy
from workbench.domain.labels import Role
from workbench.exporters import FORMATS
from workbench.services import export as service
from workbench.ui import feedback, runtime, state
from workbench.ui.components.publisher_fields import publisher_fields
from workbench.ui.components.text import escape_markdown

runtime.require_role(Role.EDITOR)
db = runtime.get_db()
st.title("Export", anchor=False)
st.caption(
    "A gold label comes from an editor's adjudication when there is one, otherwise from the "
    "policy. Same database and options give byte-identical files."
)


@st.cache_data(max_entries=64, show_spinner="Counting…")
def _preview(
    database: str, data_key: tuple[int, int], options: service.ExportOptions, evidence: bool
) -> dict[str, Any]:
    """Counts, gold labels and agreement from aggregates, per database state (``data_key``)."""
    stats = service.preview_export(runtime.get_db(), options=options, evidence=evidence)
    gold = stats.label_distribution()["gold"]
    return {"counts": stats.counts(), "gold": gold, "agreement": stats.agreement()}


left, middle, right = st.columns(3)
fmt = left.selectbox("Format", FORMATS, key="wb_export_format")
policy = middle.selectbox("Policy", [p.value for p in Policy], key="wb_export_policy")
min_reviewers = right.number_input(
    "Min reviewers", min_value=1, max_value=50, value=2, step=1, key="wb_export_min"
)
typed = st.text_input(
    "Article ids (comma-separated)", placeholder="All articles", key=state.EXPORT_ARTICLES
)
articles = sorted({part.strip() for part in typed.split(",") if part.strip()})
anonymize = st.checkbox("Replace reviewer names by stable pseudonyms", key="wb_export_anon")
require_evidence = st.checkbox(
    "Leave out incomplete gold labels",
    key="wb_export_require_evidence",
    help="A verified gold label without a supporting evidence item, or a disputed one without "
    "a refuting item, was saved before its evidence; checked, it is not exported as gold.",
)
evidence_before_claim = st.checkbox(
    "Leave out evidence published after the article",
    key="wb_export_evidence_before_claim",
    help="An evidence item whose source is dated after its article may report a later "
    "fact-check (AVeriTeC's rules exclude such evidence). Checked, it is left out; items "
    "without a date are kept. Unchecked, it is exported flagged as after_article.",
)
count_incomplete = st.checkbox(
    "Count labels saved before their evidence",
    key=state.EXPORT_COUNT_INCOMPLETE,
    help="Reads every label's evidence: a few seconds on a large desk.",
)
publisher: dict[str, Any] = publisher_fields() if fmt == "claimreview" else {}
options = service.ExportOptions(
    format=str(fmt),
    policy=str(policy),
    min_reviewers=int(min_reviewers),
    anonymize=anonymize,
    article_ids=tuple(articles),
    require_evidence=require_evidence,
    evidence_before_claim=evidence_before_claim,
    **publisher,
)
problem = service.publisher_problem(options)
if problem is not None:
    st.warning(escape_markdown(problem), icon=":material/warning:")

key = db.engine.url.render_as_string(hide_password=True)
with feedback.show_errors(stop=True):
    preview = _preview(key, service.preview_key(db), options, count_incomplete or require_evidence)
counts = dict(preview["counts"])
incomplete = [counts.pop(name) for name in service.INCOMPLETE_COUNTS]
for column, (name, value) in zip(st.columns(len(counts)), counts.items(), strict=True):
    column.metric(name.capitalize(), f"{value:,}")
if count_incomplete or require_evidence:
    st.caption(
        f"Saved before their evidence (incomplete): {incomplete[0]:,} reviewer label(s); "
        f"{incomplete[1]:,} gold label(s) in this export"
        + (f", {incomplete[2]:,} left out." if require_evidence else ".")
    )
else:
    st.caption(
        "Labels saved before their evidence are not counted here; tick “Count labels saved "
        "before their evidence” to count them. The export's manifest always counts them."
    )
distribution = preview["gold"]
if distribution:
    st.dataframe(
        pd.DataFrame({"label": list(distribution), "claims": list(distribution.values())}),
        hide_index=True,
    )
else:
    st.info("No sentence has a gold label under these options yet.")
agreement = preview["agreement"]
if agreement["mean_observed_agreement"] is not None:
    st.caption(
        f"{agreement['sentences_with_two_or_more_labels']:,} sentence(s) with two or more "
        f"labels: mean observed agreement {agreement['mean_observed_agreement']:.1%}, "
        f"{agreement['unanimous_sentences']:,} unanimous."
    )

if st.button(
    "Export",
    type="primary",
    icon=":material/download:",
    key="wb_export_run",
    disabled=problem is not None,
):
    target = service.exports_dir() / service.folder_name(options)
    with feedback.show_errors(stop=True, also=(OSError,)), st.spinner("Exporting…"):
        result = service.export_dataset(db, out=target, options=options)
    state.put(state.EXPORT_LAST, (options, str(result.folder)))

last = state.get(state.EXPORT_LAST)
if last is not None and last[0] == options:
    folder = Path(last[1])
    # The folder's name only: the server's paths are nobody's business in the browser.
    st.success(f"Export {escape_markdown(folder.name)} is ready.")
    st.download_button(
        "Download zip",
        data=service.zip_folder(folder),
        file_name=f"{folder.name}.zip",
        mime="application/zip",
        on_click="ignore",
        key="wb_export_download",
    )
