"""Editor: inter-annotator agreement figures and charts, current after every save.

Figures of the whole database come from aggregates computed in the database, cached by the
newest audit id; the per-article chart shows the lowest and highest alphas and a search.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from workbench.db import labels
from workbench.domain import agreement_frames as frames
from workbench.domain.agreement_text import AC1_NOTE, figure, interval
from workbench.domain.labels import Role
from workbench.services.agreement import (
    PageAgreement,
    agreement_reviewers,
    find_articles,
    page_agreement,
)
from workbench.ui import charts, feedback, runtime, state
from workbench.ui.components.text import escape_markdown

ALL = "All articles"
TABS = ("Overview", "Per article", "Two reviewers", "Over time", "Per reviewer")

runtime.require_role(Role.EDITOR)
db = runtime.get_db()
st.title("Agreement", anchor=False)


@st.cache_data(max_entries=32, show_spinner="Computing agreement…")
def _agreement(
    database: str, last_change: int, article: str | None, reviewers: Sequence[str] | None
) -> PageAgreement:
    """Figures for one database state: the key changes with every audited save."""
    with runtime.get_db().read() as session:
        return page_agreement(session, article_id=article, reviewers=reviewers)


@st.cache_data(max_entries=32, show_spinner=False)
def _reviewers(database: str, last_change: int, article: str | None) -> list[str]:
    """Reviewers with a label (in the article), for one database state."""
    with runtime.get_db().read() as session:
        return agreement_reviewers(session, article_id=article)


find = st.text_input("Find an article", placeholder="title or id", key=state.AGREEMENT_SEARCH)
with db.read() as session:
    matches = find_articles(session, text=find)
    last = labels.last_change(session)
key = db.engine.url.render_as_string(hide_password=True)
current = state.get(state.AGREEMENT_ARTICLE)
options = [ALL, *matches]
if current is not None and current not in options:
    options.insert(1, current)  # keep the open article while the search changes
if find.strip() and not matches:
    st.caption(escape_markdown(f"No article's id or title contains {find.strip()!r}."))
left, right = st.columns([2, 3])
article = left.selectbox("Article", options, key=state.AGREEMENT_ARTICLE)
article_id = None if article == ALL else str(article)
with feedback.show_errors(stop=True):
    everyone = _reviewers(key, last, article_id)
    chosen = right.multiselect(
        "Reviewers", list(everyone), placeholder="All reviewers", key=state.AGREEMENT_REVIEWERS
    )
    result = _agreement(key, last, article_id, tuple(sorted(chosen)) or None)

missing = frames.missing_figures(result.matrix)
if missing is not None:
    st.info(missing)
    st.stop()

report = result.report
reasons = report["reasons"]
ci = report["krippendorff_alpha_ci95"]
cols = st.columns(5)
cols[0].metric("Krippendorff's alpha", figure(report["krippendorff_alpha"]))
cols[0].caption("95% interval: " + interval(ci, joined=" to "))
cols[1].metric("Gwet's AC1", figure(report["gwet_ac1"]))
cols[1].caption("chance-corrected, robust to one label dominating")
cols[2].metric("Fleiss' kappa", figure(report["fleiss_kappa"]))
cols[2].caption(f"over {report['fleiss_units']} sentence(s) labeled by every reviewer")
cols[3].metric("Percent agreement", figure(report["percent_agreement"]))
cols[4].metric("Sentences with 2+ labels", report["units"])
st.caption(AC1_NOTE)
for name, split in (("Claim detection", "claim_detection"), ("Verdict", "verdict")):
    part = report[split]
    st.caption(
        f"{name}: alpha {figure(part['krippendorff_alpha'])}, AC1 {figure(part['gwet_ac1'])}, "
        f"percent agreement {figure(part['percent_agreement'])} over {part['units']} sentence(s)"
    )
for field, reason in reasons.items():
    st.caption(escape_markdown(f"{field} is undefined: {reason}"))

# Only the open tab runs and draws: one tab's charts, not every chart of the page, per open.
overview, per_article, pair, over_time, per_reviewer = st.tabs(
    TABS, key=state.AGREEMENT_TAB, on_change="rerun"
)
if overview.open:
    with overview:
        heat, dist = st.columns(2)
        heat.altair_chart(charts.kappa_heatmap(frames.pairwise_frame(result.matrix)))
        dist.altair_chart(
            charts.label_distribution_chart(frames.label_distribution_frame(result.matrix))
        )

if per_article.open:
    with per_article:
        by_article = frames.article_frame(report)
        if by_article["alpha"].notna().any():
            st.altair_chart(charts.article_alpha_chart(by_article))
            if result.articles_ranked > len(by_article):
                st.caption(
                    f"The {len(by_article) // 2} lowest and highest of {result.articles_ranked}"
                    " articles with an alpha; find any other one above."
                )
        else:
            st.info("Alpha per article needs an article with two reviewers on the same sentence.")

if pair.open:
    with pair:
        names = list(result.matrix.reviewers)
        pick_a, pick_b = st.columns(2)
        a = pick_a.selectbox("Reviewer A", names, index=0, key=state.AGREEMENT_A)
        b = pick_b.selectbox(
            "Reviewer B", names, index=min(1, len(names) - 1), key=state.AGREEMENT_B
        )
        table = frames.confusion_frame(result.matrix, str(a), str(b))
        if a == b:
            st.info("Choose two different reviewers.")
        elif table["count"].sum() == 0:
            st.info(escape_markdown(f"{a} and {b} have not labeled the same sentence yet."))
        else:
            st.altair_chart(charts.confusion_chart(table, str(a), str(b)))

if over_time.open:
    with over_time:
        period = st.radio("Trend by", ["week", "day"], horizontal=True, key=state.AGREEMENT_PERIOD)
        series = frames.time_frame_from_days(result.found, result.days, period=str(period))
        if len(series) > 0:
            st.altair_chart(charts.agreement_over_time_chart(series))
        else:
            st.info("No labels with a date yet.")

if per_reviewer.open:
    with per_reviewer:
        st.dataframe(
            pd.DataFrame(result.reviewers).drop(columns=["reasons"]),
            hide_index=True,
            width="stretch",
        )
