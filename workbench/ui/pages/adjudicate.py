"""Editor: settle disagreements, most contested first; bulk-accept unanimous sentences."""

from __future__ import annotations

import streamlit as st

from workbench.db import labels
from workbench.domain.labels import Role
from workbench.errors import WorkbenchError
from workbench.services.adjudicate import bulk_accept_unanimous, disagreement_queue
from workbench.ui import runtime, state
from workbench.ui.components.gold_form import gold_form, seen_versions, show_notice
from workbench.ui.components.text import escape_markdown

editor = runtime.require_role(Role.EDITOR)
db = runtime.get_db()
st.title("Adjudicate", anchor=False)

with st.expander("Bulk-accept unanimous sentences"):
    least = st.number_input("At least this many reviewers", min_value=2, value=2, step=1)
    if st.button("Accept unanimous labels as gold", key=state.ADJUDICATE_BULK):
        try:
            with db.write() as session:
                accepted = bulk_accept_unanimous(
                    session, editor_id=editor.id, min_reviewers=int(least)
                )
        except WorkbenchError as exc:
            st.error(escape_markdown(str(exc)))
        else:
            st.success(f"{accepted} unanimous sentence(s) accepted as gold.")

include_done = st.toggle("Include sentences already adjudicated", key=state.ADJUDICATE_ALL)
selected = state.get(state.ADJUDICATE_SENTENCE)
with db.read() as session:
    contested = disagreement_queue(session, editor_id=editor.id, include_adjudicated=True)
# The open sentence stays listed after it is settled (by this editor or meanwhile by another).
queue = {
    item.sentence_id: item
    for item in contested
    if include_done or not item.adjudicated or item.sentence_id == selected
}
if not queue:
    st.info("No disagreements to settle: no sentence has two reviewers with different labels.")
    st.stop()

st.caption(f"{len(queue)} contested sentence(s), most contested first.")
sentence_id = st.selectbox(
    "Sentence",
    list(queue),
    format_func=lambda sid: (
        f"{queue[sid].article_id}:{queue[sid].index} · {queue[sid].distinct} labels · "
        f"top share {queue[sid].top_share:.0%} · {queue[sid].text[:70]}"
    ),
    key=state.ADJUDICATE_SENTENCE,
)
item = queue[int(sentence_id)]
st.text(item.text)

with db.read() as session:
    reviews = labels.reviews(session, sentence_id=item.sentence_id)
    gold = labels.gold_state(session, sentence_id=item.sentence_id)
seen = seen_versions()
if item.sentence_id not in seen:
    seen[item.sentence_id] = gold.version if gold else None

for column, review in zip(st.columns(len(reviews)), reviews, strict=True):
    with column.container(border=True):
        st.markdown(f"**{escape_markdown(review.reviewer)}** · `{review.label}`")
        if review.note:
            st.text(review.note)
        for evidence in review.evidence:
            st.text(f"{evidence['stance']}: {evidence['url'] or evidence['sentence_ref']}")
            if evidence["quote"]:
                st.caption(escape_markdown(f"“{evidence['quote']}”"))

if gold is not None:
    st.caption(
        escape_markdown(
            f"Gold label: {gold.label} by {gold.editor} (version {gold.version}): {gold.rationale}"
        )
    )
gold_form(item.sentence_id, gold)
show_notice()
