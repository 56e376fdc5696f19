"""The adjudicate page's gold-label form: label, rationale, claim as checked, evidence kept or
added, saved at once.

The save runs in the submit button's callback, before the page re-renders, so the page shows
the stored state and the form's evidence fields can be cleared after a successful save.
"""

from __future__ import annotations

import streamlit as st

from workbench.db import labels
from workbench.db.labels import GoldState
from workbench.domain.labels import (
    LABELS,
    MAX_CLAIM_LENGTH,
    STANCES,
    Evidence,
    evidence_complete,
    missing_evidence,
    parse_evidence,
)
from workbench.errors import ConflictError, WorkbenchError
from workbench.services.adjudicate import adjudicate
from workbench.ui import feedback, runtime, state
from workbench.ui.components.evidence_dates import PUBLISHED_HELP, show_evidence_details
from workbench.ui.components.numbering import evidence_source
from workbench.ui.components.text import escape_markdown

NEW_FIELDS = ("url", "quote", "stance", "note", "question", "published")
CHOOSE_LABEL = "Choose a gold label before saving; nothing was stored."


def gold_key(sentence_id: int, field: str) -> str:
    """Widget key of one field of the gold form of one sentence."""
    return f"{state.GOLD_FORM}_{field}_{sentence_id}"


def _keep_key(sentence_id: int, position: int) -> str:
    return gold_key(sentence_id, f"keep{position}")


def seen_versions() -> dict[int, int | None]:
    """{sentence id: gold version this editor last saw (None: no gold label)}."""
    seen: dict[int, int | None] = state.get(state.ADJUDICATE_SEEN) or {}
    state.put(state.ADJUDICATE_SEEN, seen)
    return seen


def _new_evidence(sentence_id: int) -> Evidence | None:
    """The evidence item typed into the form, or None when its fields are empty."""
    raw = {f: str(st.session_state.get(gold_key(sentence_id, f)) or "") for f in NEW_FIELDS}
    if not (raw["url"].strip() or raw["quote"].strip() or raw["note"].strip()):
        return None
    return parse_evidence(raw)


def _evidence(sentence_id: int, gold: GoldState | None) -> list[Evidence]:
    """The existing items the editor kept, then the new one (validated)."""
    kept = [
        item
        for position, item in enumerate(gold.evidence if gold else ())
        if st.session_state.get(_keep_key(sentence_id, position), True)
    ]
    new = _new_evidence(sentence_id)
    return kept if new is None else [*kept, new]


def _retry_key(sentence_id: int) -> str:
    # The editor's own (label, rationale, claim) kept after another editor saved first.
    return gold_key(sentence_id, "retry")


def _clear(sentence_id: int, gold: GoldState | None) -> None:
    for field in ("url", "quote", "note", "question", "published"):
        st.session_state[gold_key(sentence_id, field)] = ""
    for position in range(len(gold.evidence) if gold else 0):
        st.session_state.pop(_keep_key(sentence_id, position), None)


def on_save(sentence_id: int, gold: GoldState | None) -> None:
    """Callback of Save: store the gold label, or say why nothing was stored."""
    user = runtime.current_user()
    if user is None:
        feedback.leave(
            state.ADJUDICATE_NOTICE, "error", "Your session has ended; please sign in again."
        )
        return
    seen = seen_versions()
    chosen = st.session_state.get(gold_key(sentence_id, "label"))
    if chosen not in LABELS:
        feedback.leave(state.ADJUDICATE_NOTICE, "error", CHOOSE_LABEL)
        return
    label = str(chosen)
    rationale = str(st.session_state.get(gold_key(sentence_id, "rationale")) or "")
    claim = str(st.session_state.get(gold_key(sentence_id, "claim")) or "")
    db = runtime.get_db()
    try:
        evidence = _evidence(sentence_id, gold)
        with db.write() as session:
            version = adjudicate(
                session,
                editor_id=user.id,
                sentence_id=sentence_id,
                label=label,
                rationale=rationale,
                evidence=evidence,
                expected_version=seen.get(sentence_id),
                claim=claim,
            ).version
    except ConflictError:
        with db.read() as session:
            now = labels.gold_state(session, sentence_id=sentence_id)
        seen[sentence_id] = now.version if now else None
        state.put(_retry_key(sentence_id), (label, rationale, claim))
        who = f"{now.editor} set {now.label}" if now else "the gold label changed"
        message = (
            f"Someone else adjudicated this sentence meanwhile ({who}); nothing was "
            "overwritten. Review their label, then save again to replace it."
        )
        feedback.leave(state.ADJUDICATE_NOTICE, "warning", message)
    except WorkbenchError as exc:
        feedback.leave(state.ADJUDICATE_NOTICE, "error", f"Gold label not saved: {exc}")
    else:
        seen[sentence_id] = version
        state.drop(_retry_key(sentence_id))
        _clear(sentence_id, gold)
        message = f"Gold label saved: {label} (version {version})."
        if not evidence_complete(label, evidence):
            message += f" Incomplete: {missing_evidence(label)}."
        feedback.leave(state.ADJUDICATE_NOTICE, "success", message, escape=False)


def _existing_evidence(sentence_id: int, gold: GoldState, article_published: str | None) -> None:
    st.markdown(f"**Evidence of the gold label** ({len(gold.evidence)})")
    for position, item in enumerate(gold.evidence):
        source = evidence_source(item.url, item.sentence_ref)
        st.checkbox(
            escape_markdown(f"Keep {item.stance}: {source}"),
            value=True,
            key=_keep_key(sentence_id, position),
        )
        show_evidence_details(item, article_published)


def _rationale(gold: GoldState | None) -> str:
    return gold.rationale if gold else ""


def _claim(gold: GoldState | None) -> str:
    return (gold.claim or "") if gold else ""


def gold_form(
    sentence_id: int,
    gold: GoldState | None,
    sentence_text: str = "",
    article_published: str | None = None,
) -> None:
    """The form: gold label, rationale, claim as checked (``sentence_text`` as its placeholder),
    the evidence to keep (each dated item beside ``article_published``, the article's date)
    and one item to add."""
    key = gold_key
    # After a conflict the form starts from this editor's own choice, not the winner's label,
    # and says what the other editor decided.
    retry = state.get(_retry_key(sentence_id))
    # A new gold label starts with no verdict chosen: a preselected one would bias the editor.
    label, rationale, claim = (
        retry if retry else (gold.label if gold else None, _rationale(gold), _claim(gold))
    )
    if retry and gold is not None:
        st.info(
            escape_markdown(
                f"Stored now: {gold.label} by {gold.editor} (rationale: {gold.rationale or '-'}). "
                f"Your choice, {label}, is kept below; save to replace theirs."
            )
        )
    if gold is not None and not evidence_complete(gold.label, gold.evidence):
        st.warning(
            f"Incomplete gold label: {missing_evidence(gold.label)}.", icon=":material/warning:"
        )
    with st.form(f"{state.GOLD_FORM}_{sentence_id}"):
        start = LABELS.index(label) if label in LABELS else None
        st.radio("Gold label", LABELS, index=start, horizontal=True, key=key(sentence_id, "label"))
        st.text_area("Rationale", value=rationale, key=key(sentence_id, "rationale"))
        st.text_area(
            "Claim as checked",
            value=claim,
            key=key(sentence_id, "claim"),
            height=68,
            placeholder=sentence_text or None,
            help="The claim the gold label rules on, restated with who, what and when; empty: "
            f"the sentence as written. At most {MAX_CLAIM_LENGTH:,} characters.",
        )
        if gold is not None and gold.evidence:
            _existing_evidence(sentence_id, gold, article_published)
        st.markdown("**Add evidence** (optional)")
        st.text_input(
            "Source URL (http or https)", key=key(sentence_id, "url"), placeholder="https://"
        )
        st.text_area("Quote (the exact passage)", key=key(sentence_id, "quote"), height=80)
        stance_col, note_col = st.columns(2)
        stance_col.selectbox("Stance", STANCES, key=key(sentence_id, "stance"))
        note_col.text_input("Evidence note", key=key(sentence_id, "note"))
        st.text_input(
            "Question this evidence answers (optional)",
            key=key(sentence_id, "question"),
            help="Exported as AVeriTeC's question-answer evidence, the quote as its answer.",
        )
        st.text_input(
            "Source published (YYYY-MM-DD)",
            key=key(sentence_id, "published"),
            placeholder=f"article: {article_published}" if article_published else "YYYY-MM-DD",
            help=PUBLISHED_HELP,
        )
        st.form_submit_button(
            "Save gold label", type="primary", on_click=on_save, args=(sentence_id, gold)
        )
