"""Editor: settle disagreements, most contested first, a page at a time; bulk-accept unanimous."""

from __future__ import annotations

import streamlit as st

from workbench.db import labels, queries
from workbench.domain.labels import Role
from workbench.services.adjudicate import PAGE_SIZE, queue_entry, queue_page
from workbench.ui import feedback, runtime, state
from workbench.ui.components.evidence_dates import show_evidence_dates
from workbench.ui.components.gold_form import gold_form, seen_versions
from workbench.ui.components.numbering import evidence_source, sentence_number
from workbench.ui.components.queue_controls import (
    bulk_accept_panel,
    current_after,
    page_caption,
    page_items,
    page_nav,
    queue_filters,
)
from workbench.ui.components.text import escape_markdown
from workbench.ui.components.unsaved_guard import guard_unsent_text

editor = runtime.require_role(Role.EDITOR)
db = runtime.get_db()
st.title("Adjudicate", anchor=False)

bulk_accept_panel(db, editor.id)
include_done, article_id, pair = queue_filters()
selected = state.get(state.ADJUDICATE_SENTENCE)
with feedback.show_errors(stop=True), db.read() as session:
    page = queue_page(
        session,
        editor_id=editor.id,
        include_adjudicated=include_done,
        article_id=article_id,
        pair=pair,
        after=current_after(),
        limit=PAGE_SIZE,
    )
    # The open sentence stays listed after it is settled (by this editor or meanwhile).
    kept = (
        None
        if selected is None
        else queue_entry(session, editor_id=editor.id, sentence_id=int(selected))
    )
queue = {item.sentence_id: item for item in page_items(page, kept)}
if not queue:
    st.info("No disagreements to settle: no sentence has two reviewers with different labels.")
    st.stop()

page_caption(page, len(queue), PAGE_SIZE)
sentence_id = st.selectbox(
    "Sentence",
    list(queue),
    format_func=lambda sid: (
        f"{queue[sid].article_id} · {sentence_number(queue[sid].index, start=False)} · "
        f"{queue[sid].distinct} labels · "
        f"top share {queue[sid].top_share:.0%} · {queue[sid].text[:70]}"
    ),
    key=state.ADJUDICATE_SENTENCE,
)
item = queue[int(sentence_id)]
st.text(item.text)

with db.read() as session:
    reviews = labels.reviews(session, sentence_id=item.sentence_id)
    gold = labels.gold_state(session, sentence_id=item.sentence_id)
    article = queries.get_article(session, article_id=item.article_id)
    article_published = article.published if article is not None else None
seen = seen_versions()
if item.sentence_id not in seen:
    seen[item.sentence_id] = gold.version if gold else None

for column, review in zip(st.columns(len(reviews)), reviews, strict=True):
    with column.container(border=True):
        st.markdown(f"**{escape_markdown(review.reviewer)}** · `{review.label}`")
        if review.claim:
            st.text(f"Claim as checked: {review.claim}")
        if review.note:
            st.text(review.note)
        for evidence in review.evidence:
            st.text(f"{evidence.stance}: {evidence_source(evidence.url, evidence.sentence_ref)}")
            if evidence.quote:
                st.caption(escape_markdown(f"“{evidence.quote}”"))
            show_evidence_dates(evidence.published, article_published)

if gold is not None:
    st.caption(
        escape_markdown(
            f"Gold label: {gold.label} by {gold.editor} (version {gold.version}): {gold.rationale}"
        )
    )
gold_form(item.sentence_id, gold, item.text, article_published)
feedback.show(state.ADJUDICATE_NOTICE)
page_nav(page)
guard_unsent_text()  # a reload with a rationale typed but not saved asks first
