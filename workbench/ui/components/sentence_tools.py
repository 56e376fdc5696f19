"""Editors' controls beside the panel: merge a sentence with the next, split it, flag boilerplate.

Every edit changes the article's sentences, so it ends with a rerun of the whole page (the
text, the numbering and the reviewer's labels are read afresh).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from workbench.domain.labels import Role
from workbench.errors import WorkbenchError
from workbench.services import sentence_edits
from workbench.services.sentence_edits import EditReport, KeepLabels
from workbench.ui import feedback, runtime, state
from workbench.ui.components.article_text import ArticleText, ShownSentence, load_article

KEEP_CHOICES = {
    KeepLabels.NONE: "Audit trail (label both parts afresh)",
    KeepLabels.FIRST: "First part",
    KeepLabels.SECOND: "Second part",
}


def _summary(verb: str, report: EditReport) -> str:
    parts = [f"{verb} sentence {report.index + 1}"]
    if report.moved:
        parts.append(f"{report.moved} label(s) moved")
    if report.removed:
        parts.append(f"{report.removed} label(s) moved to the audit trail")
    if report.renumbered:
        parts.append(f"{report.renumbered} later sentence(s) renumbered")
    return "; ".join(parts) + "."


def _apply(
    article: ArticleText, verb: str, edit: Callable[[Session, int], EditReport], user_id: int
) -> None:
    """Run one edit in a write transaction, relink the article, then rerun the whole page."""
    db = runtime.get_db()
    try:
        with db.write() as session:
            report = edit(session, user_id)
    except WorkbenchError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    sentence_edits.relink_article(db, article_id=article.id)
    load_article.clear(article.id)
    feedback.leave(state.NOTICE, "success", _summary(verb, report), icon=":material/done:")
    st.rerun()


def _boilerplate(article: ArticleText, row: ShownSentence, user_id: int) -> None:
    wanted = st.toggle(
        "Boilerplate: not to be labeled",
        value=row.boilerplate,
        key=f"wb_boilerplate_{row.id}",
        help="Page furniture (bylines, links, 'Comments'): left out of progress, agreement "
        "and the gold of exports; kept in articles.jsonl with a flag. Its labels stay.",
    )
    if wanted != row.boilerplate:
        verb = "Marked as boilerplate:" if wanted else "Unmarked:"
        _apply(
            article,
            verb,
            lambda s, uid: sentence_edits.mark_boilerplate(
                s, actor_id=uid, article_id=article.id, index=row.index, on=wanted
            ),
            user_id,
        )


def _merge(article: ArticleText, row: ShownSentence, user_id: int) -> None:
    last = row.index + 1 >= len(article.sentences)
    if st.button(
        "Merge with the next sentence",
        key=f"wb_merge_{row.id}",
        icon=":material/merge:",
        disabled=last,
        help="The next sentence's labels move here, unless its reviewer labeled this one too.",
    ):
        _apply(
            article,
            "Merged",
            lambda s, uid: sentence_edits.merge_sentences(
                s, actor_id=uid, article_id=article.id, index=row.index
            ),
            user_id,
        )


def _split(article: ArticleText, row: ShownSentence, user_id: int) -> None:
    length = len(row.text)
    if length < 2:
        st.caption("Too short to split.")
        return
    at = int(
        st.number_input(
            "Split before character",
            min_value=1,
            max_value=length - 1,
            value=max(1, min(length - 1, length // 2)),
            # A new widget when the sentence's length changes, so no kept value is out of range.
            key=f"wb_split_at_{row.id}_{length}",
            help="0-based position in the sentence of the first character of the second part.",
        )
    )
    st.text(f"1: {row.text[:at].rstrip()}")
    st.text(f"2: {row.text[at:].lstrip()}")
    keep = st.radio(
        "This sentence's labels go to",
        list(KEEP_CHOICES),
        format_func=KEEP_CHOICES.__getitem__,
        key=f"wb_split_keep_{row.id}",
        horizontal=True,
    )
    if st.button("Split", key=f"wb_split_{row.id}", icon=":material/content_cut:"):
        _apply(
            article,
            "Split",
            lambda s, uid: sentence_edits.split_sentence(
                s, actor_id=uid, article_id=article.id, index=row.index, at=at, keep=keep
            ),
            user_id,
        )


def sentence_tools(article: ArticleText, row: ShownSentence, user: runtime.SignedIn) -> None:
    """A boilerplate notice for everyone; for editors and admins, the controls that fix the text."""
    if row.boilerplate:
        st.info(
            "An editor marked this sentence as boilerplate: it is not to be labeled and counts "
            "toward no progress, agreement or gold label.",
            icon=":material/block:",
        )
    if not user.role.allows(Role.EDITOR):
        return
    with st.expander("Fix the text (editors)", icon=":material/edit_note:"):
        _boilerplate(article, row, user.id)
        _merge(article, row, user.id)
        _split(article, row, user.id)
