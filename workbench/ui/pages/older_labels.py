"""Editor: the labels made under an older version of the guidelines, a page at a time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.domain.labels import Role
from workbench.services.guidelines import older_labels_page
from workbench.ui import feedback, runtime, state
from workbench.ui.components import paging

PAGE_SIZE = 50
KINDS = {"Reviewer labels": False, "Gold labels": True}

editor = runtime.require_role(Role.EDITOR)
db = runtime.get_db()
st.title("Labels under older guidelines", anchor=False)

kind = str(st.radio("Show", list(KINDS), horizontal=True, key=state.OLDER_KIND))
gold = KINDS[kind]
page_key = f"{state.OLDER_PAGE}:{kind}"  # each kind keeps its own page
with feedback.show_errors(stop=True), db.read() as session:
    found = older_labels_page(
        session,
        editor_id=editor.id,
        gold=gold,
        offset=paging.offset_of(page_key, PAGE_SIZE),
        limit=PAGE_SIZE,
    )
if found.current is None:
    st.info("There are no guidelines yet, so no label was made under an older version.")
    st.stop()
st.caption(
    f"Guidelines in force: version {found.current}. Made under an older version or before "
    f"there were guidelines: {found.reviews} reviewer label(s), {found.gold} gold label(s). "
    "Saving a label again stores the version in force."
)
total = found.gold if gold else found.reviews
if not total:
    st.success(f"No {kind.lower()} made under an older version.")
    st.stop()
paging.page_box(page_key, total=total, size=PAGE_SIZE, noun=kind.lower())
items = found.items
st.dataframe(
    pd.DataFrame(
        {
            "sentence id": [f"{i.article_id}:{i.index}" for i in items],
            "text": [i.text for i in items],
            "editor" if gold else "reviewer": [i.who for i in items],
            "label": [i.label for i in items],
            "guidelines": [
                "before guidelines" if i.guideline_version is None else f"v{i.guideline_version}"
                for i in items
            ],
            "saved (UTC)": [f"{i.updated_at:%Y-%m-%d %H:%M:%S}" for i in items],
        }
    ),
    hide_index=True,
    width="stretch",
)
