"""The panel beside the text: verdict buttons with shortcuts, claim as checked, note, evidence,
navigation."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

import streamlit as st

from workbench.domain.labels import MAX_CLAIM_LENGTH, STANCES, Label, needed_evidence
from workbench.services.drafts import Draft
from workbench.services.reviewer_labels import LabelState
from workbench.ui import feedback, state
from workbench.ui.components import annotate_callbacks as act
from workbench.ui.components.article_text import ArticleText, ShownSentence
from workbench.ui.components.evidence_dates import PUBLISHED_HELP, show_evidence_details
from workbench.ui.components.guidelines_view import label_help
from workbench.ui.components.numbering import sentence_id, sentence_id_text, sentence_number
from workbench.ui.components.text import escape_markdown

SHORTCUTS: dict[Label, str] = {
    Label.VERIFIED: "V",
    Label.DISPUTED: "D",
    Label.UNSOURCED: "U",
    Label.NOT_A_CLAIM: "N",
}
ICONS: dict[Label, str] = {
    Label.VERIFIED: ":material/check_circle:",
    Label.DISPUTED: ":material/cancel:",
    Label.UNSOURCED: ":material/help:",
    Label.NOT_A_CLAIM: ":material/remove_circle_outline:",
}
STANCE_COLOURS: dict[str, Literal["green", "red", "gray"]] = {
    "supports": "green",
    "refutes": "red",
    "context": "gray",
}


# (key, label, icon, shortcut, step, only unlabeled sentences, help)
STEPS = (
    ("wb_prev", "Previous", ":material/arrow_back:", "Left", -1, False, "Previous sentence"),
    ("wb_next", "Next", ":material/arrow_forward:", "Right", 1, False, "Next sentence"),
    ("wb_prev_open", "Prev. unlabeled", ":material/first_page:", "K", -1, True,
     "Previous sentence without your label"),
    ("wb_next_open", "Next unlabeled", ":material/last_page:", "J", 1, True,
     "Next sentence without your label"),
)  # fmt: skip


def _navigation(article: ArticleText) -> None:
    columns = st.columns(2) + st.columns(2)
    st.toggle(
        "Claims first",
        value=True,
        key=state.CLAIMS_FIRST,
        help="Prev./next unlabeled visit likely claims first (highest check-worthiness); "
        "the text stays in reading order.",
    )
    for column, (key, text, icon, shortcut, step, unlabeled, tip) in zip(
        columns, STEPS, strict=True
    ):
        column.button(
            text,
            key=key,
            icon=icon,
            shortcut=shortcut,
            help=tip,
            width="stretch",
            on_click=act.on_step,
            args=(article, step, unlabeled),
        )


def _verdict_buttons(article: ArticleText, row: ShownSentence, saved: LabelState | None) -> None:
    columns = st.columns(2) + st.columns(2)
    for column, (label, key) in zip(columns, SHORTCUTS.items(), strict=True):
        current = saved is not None and saved.label is label
        column.button(
            label.value.replace("_", " ").capitalize(),
            key=f"wb_label_{label.value}",
            icon=ICONS[label],
            shortcut=key,
            help=label_help(label),
            type="primary" if current else "secondary",
            width="stretch",
            disabled=row.boilerplate,  # not to be labeled while an editor's flag is on
            on_click=act.on_label,
            args=(article.id, row.index, row.id, label.value),
        )


def _evidence_list(article: ArticleText, row: ShownSentence, saved: LabelState) -> None:
    for position, item in enumerate(saved.evidence):
        with st.container(border=True):
            head, remove = st.columns([5, 1], vertical_alignment="center")
            with head:
                st.badge(item.stance, color=STANCE_COLOURS.get(item.stance, "gray"))
                if item.url:
                    host = urlsplit(item.url).netloc or item.url
                    st.page_link(
                        item.url,
                        label=escape_markdown(host),
                        icon=":material/open_in_new:",
                        help=item.url,
                    )
                if item.sentence_ref:
                    st.text(f"Cites {sentence_id_text(item.sentence_ref)}")
            remove.button(
                "Remove",
                key=f"wb_ev_remove_{row.id}_{position}",
                icon=":material/delete:",
                help="Remove this evidence item",
                on_click=act.on_remove_evidence,
                args=(article.id, row.index, row.id, position),
            )
            show_evidence_details(item, article.published)


def _evidence_form(
    article: ArticleText, row: ShownSentence, saved: LabelState | None, draft: Draft | None
) -> None:
    # Plain widgets, not an st.form: each field reaches the server when it loses focus, so an
    # unfinished item is kept in the draft while the reviewer moves around.
    key = state.evidence_key
    typed = draft.form if draft is not None else {}
    for field, default in (("url", ""), ("quote", ""), ("stance", STANCES[0]), ("note", ""),
                           ("ref", ""), ("question", ""), ("published", "")):  # fmt: skip
        state.put_default(key(row.id, field), typed.get(field, default))
    keep, where = act.on_evidence_field, (article.id, row.index, row.id)
    with st.container(border=True, key=f"wb_evidence_{row.id}"):
        st.text_input(
            "Source URL (http or https)",
            key=key(row.id, "url"),
            placeholder="https://",
            on_change=keep,
            args=where,
        )
        st.text_area(
            "Quote (the exact passage)",
            key=key(row.id, "quote"),
            height=80,
            on_change=keep,
            args=where,
        )
        stance_col, ref_col = st.columns(2)
        stance_col.selectbox(
            "Stance", STANCES, key=key(row.id, "stance"), on_change=keep, args=where
        )
        ref_col.text_input(
            "Cites sentence id (optional)",
            key=key(row.id, "ref"),
            placeholder="article id:index (0-based)",
            help="The id of a sentence of another article: `<article id>:<index>`, the index "
            f"counted from 0. This sentence's id is `{sentence_id(article.id, row.index)}`.",
            on_change=keep,
            args=where,
        )
        st.text_input("Evidence note", key=key(row.id, "note"), on_change=keep, args=where)
        st.text_input(
            "Question this evidence answers (optional)",
            key=key(row.id, "question"),
            placeholder="e.g. How many jets did Pakistan lose?",
            help="Exported as AVeriTeC's question-answer evidence, the quote as its answer.",
            on_change=keep,
            args=where,
        )
        st.text_input(
            "Source published (YYYY-MM-DD)",
            key=key(row.id, "published"),
            placeholder=f"article: {article.published}" if article.published else "YYYY-MM-DD",
            help=PUBLISHED_HELP,
            on_change=keep,
            args=where,
        )
        st.button(
            "Add evidence",
            key=f"wb_ev_add_{row.id}",
            icon=":material/add:",
            disabled=saved is None,
            help="Choose a label first; what you type here is kept meanwhile."
            if saved is None
            else None,
            on_click=act.on_add_evidence,
            args=(article.id, row.index, row.id),
        )


def _claim_field(
    article: ArticleText, row: ShownSentence, saved: LabelState | None, draft: Draft | None
) -> None:
    # Empty means the sentence as written, which the placeholder shows; only a restatement is
    # stored. Like the note, it is kept as a draft until the sentence has a label.
    ck = state.claim_key(row.id)
    drafted = draft.claim if draft is not None else ""
    state.put_default(ck, (saved.claim or "") if saved is not None else drafted)
    st.text_area(
        "Claim as checked",
        key=ck,
        height=68,
        placeholder="Empty: the sentence above, as written",  # not its text again per click
        on_change=act.on_claim,
        args=(article.id, row.index, row.id),
        help="Restate the sentence as the claim you check, with who, what and when "
        "(e.g. “Pakistan lost six fighter jets on 7-10 May 2025”). Empty: the sentence as "
        f"written. At most {MAX_CLAIM_LENGTH:,} characters; saved with the label.",
    )
    if saved is None and drafted:
        st.caption("Draft kept: this claim is saved with the label you choose.")


def label_panel(
    article: ArticleText, row: ShownSentence, saved: LabelState | None, draft: Draft | None = None
) -> None:
    """The panel for the selected sentence: verdict, claim as checked, note, evidence and
    navigation."""
    heading = sentence_number(row.index, len(article.sentences))
    if row.likely_claim:
        heading += f" · likely claim ({row.checkworthiness:.2f})"
    st.caption(heading)
    with st.container(border=True):
        st.text(row.text)
    _verdict_buttons(article, row, saved)
    _navigation(article)
    feedback.show(state.NOTICE)
    if saved is not None:
        problem = saved.evidence_problem()
        if problem is not None:
            needs = needed_evidence(saved.label)
            fits = "Evidence does not fit this label"
            title = f"Incomplete: needs {needs} evidence" if needs else fits
            st.warning(f"{title}: {problem}.", icon=":material/warning:")
    _claim_field(article, row, saved, draft)
    nk = state.note_key(row.id)
    drafted = draft.note if draft is not None else ""
    state.put_default(nk, saved.note if saved is not None else drafted)
    st.text_area(
        "Note",
        key=nk,
        height=80,
        on_change=act.on_note,
        args=(article.id, row.index, row.id),
        help="Saved with the label; press Ctrl+Enter or click away to save.",
    )
    if saved is None and drafted:
        st.caption("Draft kept: this note is saved with the label you choose.")
    elif saved is not None and drafted:  # the label was made elsewhere (another tab, an import)
        st.warning(
            "A note you typed before this sentence had a label is kept as a draft, not on the "
            "label:",
            icon=":material/edit_note:",
        )
        st.text(drafted)
        st.button(
            "Add it to the note",
            key="wb_use_draft_note",
            icon=":material/playlist_add:",
            on_click=act.on_use_draft_note,
            args=(article.id, row.index, row.id),
        )
    if saved is None:
        st.markdown("**Evidence**")
        st.caption("Choose a label to attach evidence; what you type here is kept meanwhile.")
    else:
        st.markdown(f"**Evidence** ({len(saved.evidence)})")
        _evidence_list(article, row, saved)
    _evidence_form(article, row, saved, draft)
    if saved is not None:
        st.button(
            "Clear my label",
            key="wb_clear",
            icon=":material/undo:",
            help="Delete your label on this sentence; its note is kept as a draft.",
            on_click=act.on_clear,
            args=(article.id, row.index, row.id),
        )
