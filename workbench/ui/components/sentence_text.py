"""The article text with one clickable, colour-coded span per sentence.

The browser builds every span with ``textContent`` (never ``innerHTML``), so article text is
always shown as text. The text reaches the browser once per article and version, from the
server's text route (workbench/ui/server.py), and stays cached there; a render or a click sends
only the article id, the text version, the reviewer's label codes and the selected index.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import streamlit as st

from workbench.domain.labels import Label
from workbench.ui import state
from workbench.ui.components.article_text import ArticleText
from workbench.ui.server import script_url, text_url

LABEL_CODES: dict[str, str] = {
    Label.VERIFIED: "v",
    Label.DISPUTED: "d",
    Label.UNSOURCED: "u",
    Label.NOT_A_CLAIM: "n",
}


def _loader_js() -> str:
    # Inline JavaScript travels with every render of the component, so it is only this loader;
    # the script itself is one cached request (a module blob URL cannot resolve a relative path).
    return (
        f"const SCRIPT = {json.dumps(script_url())};\n"
        "let loaded = null;\n"
        "export default async function (component) {\n"
        "  loaded ??= import(new URL(SCRIPT, location.href).href);\n"
        "  try { return (await loaded).default(component); }\n"
        "  catch (error) { loaded = null; throw error; }\n"
        "}\n"
    )


_render = st.components.v2.component(
    "workbench.sentence_text", js=_loader_js(), isolate_styles=True
)


def label_codes(labels: Mapping[int, str], count: int) -> str:
    """One character per sentence: the reviewer's label code, or '.' when unlabeled."""
    codes = ["."] * count
    for index, label in labels.items():
        if 0 <= index < count:
            codes[index] = LABEL_CODES.get(label, ".")
    return "".join(codes)


def component_data(article: ArticleText, labels: Mapping[int, str], selected: int) -> bytes:
    """The bytes a render sends: article id, text version and URL, label codes, selection."""
    view = {
        "article": article.id,
        "version": article.version,
        "src": text_url(article.id, article.version),
        "labels": label_codes(labels, len(article.sentences)),
        "selected": selected,
    }
    return json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sentence_text(
    article: ArticleText,
    labels: Mapping[int, str],
    selected: int,
    *,
    key: str,
    on_select: Callable[[], None],
) -> None:
    """Show the article with highlights; a click on a sentence calls ``on_select``."""
    _render(
        key=key,
        data=component_data(article, labels, selected),
        on_select_change=on_select,
    )


def selected_index(key: str) -> int | None:
    """The sentence index the last click in the text component reported, if any."""
    result = state.get(key)
    value = result.get("select") if isinstance(result, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
