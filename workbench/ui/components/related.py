""" "Also reported in": linked sentences of other articles, and which scorer ranks claims."""

from __future__ import annotations

import streamlit as st

from workbench.db.claims import RelatedSentence
from workbench.db.engine import Database
from workbench.domain.labels import NO_EVIDENCE, Role, takes_evidence
from workbench.errors import WorkbenchError
from workbench.services import link_decisions, link_model, related_claims, scorer_training
from workbench.ui import feedback, state
from workbench.ui.components.numbering import ref_number, sentence_number
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn


def _cite(db: Database, user: SignedIn, article_id: str, index: int, ref: str) -> None:
    """Button callback: cite ``ref`` as evidence for this reviewer's label."""
    try:
        with db.write() as session:
            added = related_claims.cite_related(
                session, user_id=user.id, article_id=article_id, index=index, ref=ref
            )
    except WorkbenchError as exc:
        feedback.leave(state.RELATED_NOTICE, "error", str(exc))
        return
    shown = ref_number(ref)
    message = f"cited {shown} as evidence" if added else f"{shown} is already cited"
    feedback.leave(state.RELATED_NOTICE, "success", message)


def _decide(
    db: Database,
    user: SignedIn,
    article_id: str,
    index: int,
    ref: str,
    decision: dict[str, bool],
) -> None:
    """Button callback: store this reviewer's decision on one link."""
    try:
        with db.write() as session:
            link_decisions.decide_link(
                session, user_id=user.id, article_id=article_id, index=index, ref=ref, **decision
            )
    except WorkbenchError as exc:
        feedback.leave(state.RELATED_NOTICE, "error", str(exc))
        return
    feedback.leave(state.RELATED_NOTICE, "success", f"decision on {ref_number(ref)} saved")


def _state_caption(states: list[link_decisions.DecisionState], user_id: int) -> str:
    """The link's state: a suggestion, or what this reviewer (and, for editors, others) decided."""
    mine = next((s for s in states if s.user_id == user_id), None)
    parts = []
    if mine is None or mine.same_claim is None:
        parts.append("Suggested link: not decided")
    else:
        parts.append("You: same claim" if mine.same_claim else "You: not the same claim")
    if mine is not None and mine.conflict is not None:
        parts.append("figures really disagree" if mine.conflict else "no real conflict")
    others = [s for s in states if s.user_id != user_id and s.same_claim is not None]
    if others:
        same = sum(1 for s in others if s.same_claim)
        parts.append(f"others: {same} same, {len(others) - same} not")
    return " · ".join(parts)


def _decision_buttons(
    db: Database, user: SignedIn, article_id: str, index: int, item: RelatedSentence
) -> None:
    """Confirm or reject the link, and (for a flagged conflict) confirm or reject the flag."""
    key = f"wb-link-{article_id}-{index}-{item.ref}"
    args = (db, user, article_id, index, item.ref)
    columns = st.columns(4 if item.conflict else 2)
    columns[0].button(
        "Same claim", key=f"{key}-same", on_click=_decide, args=(*args, {"same_claim": True})
    )
    columns[1].button(
        "Not the same claim",
        key=f"{key}-other",
        on_click=_decide,
        args=(*args, {"same_claim": False}),
    )
    if item.conflict:
        columns[2].button(
            "Figures really disagree",
            key=f"{key}-conflict",
            on_click=_decide,
            args=(*args, {"conflict": True}),
        )
        columns[3].button(
            "No conflict",
            key=f"{key}-noconflict",
            on_click=_decide,
            args=(*args, {"conflict": False}),
        )


def _cite_help(label: str | None, cited: bool) -> str | None:
    if cited:
        return "Already cited as evidence for your label."
    if label is None:
        return "Label this sentence first; the citation is added to your label's evidence."
    if not takes_evidence(label):
        return f"{NO_EVIDENCE.capitalize()}."
    return None


def render_related(db: Database, user: SignedIn, article_id: str, sentence_index: int) -> None:
    """The linked sentences of other articles, conflicts marked, each with a cite button."""
    panel: related_claims.RelatedPanel | None = None
    decided: dict[str, list[link_decisions.DecisionState]] = {}
    with feedback.show_errors(), db.read() as session:
        panel = related_claims.related_panel(
            session, user_id=user.id, article_id=article_id, index=sentence_index
        )
        decided = link_decisions.panel_decisions(
            session,
            user_id=user.id,
            article_id=article_id,
            index=sentence_index,
            refs=[item.ref for item in panel.related],
        )
    if panel is None:
        return
    feedback.show(state.RELATED_NOTICE)
    st.markdown("**Also reported in**")
    if not panel.related:
        st.caption("No other article reports this sentence's claim.")
        return
    for item in panel.related:
        with st.container(border=True):
            source = item.outlet or item.article_title or item.article_id
            source = source if len(source) <= 70 else source[:69].rstrip() + "…"
            st.caption(
                f"{escape_markdown(source)} · {sentence_number(item.index, start=False)} · "
                f"similarity {item.similarity:.2f}"
            )
            st.text(item.text)
            if item.conflict:
                st.warning(f"Conflict: {escape_markdown(item.reason)}", icon="⚠️")
            st.caption(_state_caption(decided.get(item.ref, []), user.id))
            _decision_buttons(db, user, article_id, sentence_index, item)
            cited = item.ref in panel.cited
            help_text = _cite_help(panel.label, cited)
            st.button(
                "Cite as evidence",
                key=f"wb-cite-{article_id}-{sentence_index}-{item.ref}",
                disabled=help_text is not None,
                help=help_text,
                on_click=_cite,
                args=(db, user, article_id, sentence_index, item.ref),
            )


def _scorer_caption(status: scorer_training.ScorerStatus, admin: bool) -> str:
    """What ranks likely claims; the training count is for admins only (blind review)."""
    if not admin:
        ranked_by = {
            scorer_training.RULES: "rules",
            scorer_training.REFUSED: "the scores stored earlier",
        }.get(status.name, "a model trained on adjudicated labels")
        return f"Likely claims ranked by {ranked_by}."
    return (
        f"Likely claims ranked by {escape_markdown(status.description)}; "
        f"{status.usable_labels} adjudicated sentence(s) available for training "
        f"({status.usable_claims} claims)."
    )


def render_scorer_status(db: Database, user: SignedIn | None = None) -> None:
    """Which scorer ranks likely claims; for admins, the training count and a Retrain button."""
    admin = user is not None and user.role.allows(Role.ADMIN)
    with db.read() as session:
        status = scorer_training.scorer_status(session)
    st.caption(_scorer_caption(status, admin))
    if status.problem is not None:
        if admin:
            st.error(escape_markdown(status.problem))
        else:
            st.warning("The stored check-worthiness model is refused; an admin can retrain it.")
    if user is None or not admin:
        return
    ready = scorer_training.can_retrain(status)
    if st.button(
        "Retrain",
        key="wb-retrain",
        disabled=not ready,
        help=None if ready else "Needs more adjudicated sentences (both claims and not_a_claim).",
    ):
        with feedback.show_errors():
            report = scorer_training.retrain_scorer(db, actor_id=user.id)
            st.success(
                f"Trained on {report.trained_on} labels (cross-validated F1 "
                f"{report.metrics['cv_f1']}); rescored {report.rescored} sentences."
            )
    render_link_model_status(db, user)


def render_link_model_status(db: Database, user: SignedIn) -> None:
    """For admins: what keeps candidate links, and a button that trains the link model."""
    with db.read() as session:
        status = link_model.link_model_status(session)
    if status.trained_on is None:
        st.caption("New links are kept by their similarity alone (no link model trained yet).")
    else:
        st.caption(
            f"New links are kept by {escape_markdown(status.name)}, trained on "
            f"{status.trained_on} decided pair(s)."
        )
    if st.button(
        "Retrain links",
        key="wb-retrain-links",
        help="Train the link model on reviewers' 'same claim' / 'not the same claim' decisions.",
    ):
        with feedback.show_errors():
            report = link_model.retrain_links(db, actor_id=user.id)
            st.success(
                f"Link model trained on {report.trained_on} decided pairs (cross-validated F1 "
                f"{report.metrics['cv_f1']}); it ranks and keeps links from now on, and "
                f"{report.rescore.describe()}."
            )
