"""Guidelines as text-safe Markdown: the annotate panel, the preview, the label tooltips."""

from __future__ import annotations

import streamlit as st

from workbench.db.engine import Database
from workbench.domain.guidelines import (
    DEFAULT_DEFINITIONS,
    Block,
    Span,
    guideline_blocks,
    label_definitions,
)
from workbench.domain.labels import Label
from workbench.services.guidelines import guidelines_in_force
from workbench.ui import state
from workbench.ui.components.text import escape_markdown


def _span(span: Span) -> str:
    core = escape_markdown(span.text)
    if not core:
        return " " if span.text else ""
    if span.strong and span.emphasis:
        core = f"***{core}***"
    elif span.strong:
        core = f"**{core}**"
    elif span.emphasis:
        core = f"*{core}*"
    lead = " " if span.text[0].isspace() else ""
    trail = " " if span.text[-1].isspace() else ""
    return lead + core + trail


def _inline(spans: tuple[Span, ...]) -> str:
    return " ".join("".join(map(_span, spans)).split())


def _line(block: Block) -> str:
    text = _inline(block.spans)
    if block.kind == "heading":
        # The page has its own title: the guidelines' top level sits below it.
        return f"{'#' * min(block.level + 2, 6)} {text}"
    if block.kind == "bullet":
        return f"{'  ' * block.level}- {text}"
    if block.kind == "numbered":
        return f"{'   ' * block.level}{block.number}. {text}"
    if block.kind == "quote":
        return f"> {text}"
    if block.kind == "rule":
        return "---"
    return text


def guidelines_markdown(text: str) -> str:
    """``text`` as Markdown whose only markup is its line structure and bold or italic runs.

    Every typed character is escaped (HTML, links, images, directives show as typed), so
    the result is safe to hand to ``st.markdown``.
    """
    return "\n".join(_line(block) for block in guideline_blocks(text)).strip("\n")


def label_help(label: Label) -> str:
    """The one-line definition shown on a label button (the guidelines' own when known)."""
    definitions = state.get(state.GUIDELINE_DEFINITIONS) or {}
    return str(definitions.get(label.value, DEFAULT_DEFINITIONS[label]))


def guidelines_panel(db: Database) -> None:
    """An expander with the guidelines in force; also keeps their label definitions."""
    with db.read() as session:
        current = guidelines_in_force(session)
    if current is None:
        state.drop(state.GUIDELINE_DEFINITIONS)
        return
    definitions = label_definitions(current.text)
    state.put(state.GUIDELINE_DEFINITIONS, {k.value: v for k, v in definitions.items()})
    with st.expander(
        f"Labeling guidelines (version {current.version})", icon=":material/menu_book:"
    ):
        st.markdown(guidelines_markdown(current.text))
