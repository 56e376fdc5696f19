"""The article text with one clickable, colour-coded span per sentence.

The browser builds every span with ``textContent`` (never ``innerHTML``), so article text is
always shown as text. The sentences travel as bytes prepared once per article; a click only
adds the reviewer's label codes and the selected index in front of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import streamlit as st

from workbench.domain.labels import Label
from workbench.ui.components.article_text import ArticleText

LABEL_CODES: dict[str, str] = {
    Label.VERIFIED: "v",
    Label.DISPUTED: "d",
    Label.UNSOURCED: "u",
    Label.NOT_A_CLAIM: "n",
}

_CSS = """
.wb-legend { font: 0.8rem/1.4 sans-serif; color: #555; margin: 0 0 0.6rem 0; }
.wb-legend span { display: inline-block; margin-right: 0.9rem; }
.wb-legend i { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 3px;
  vertical-align: -0.1rem; margin-right: 0.3rem; border: 1px solid #ccc; }
.wb-text { white-space: pre-wrap; font: 1rem/1.75 Georgia, "Times New Roman", serif;
  color: #1d1d1f; overflow-wrap: anywhere; }
.wb-s { cursor: pointer; border-radius: 3px; padding: 0.05rem 0.1rem;
  transition: background-color 0.15s; }
.wb-s:hover { background: #eef3fb; }
.wb-s.wb-likely:not([data-label]) { border-bottom: 2px dotted rgba(31, 95, 168, 0.55); }
.wb-s[data-label="v"], i.v { background: #cdeed6; }
.wb-s[data-label="d"], i.d { background: #f9cfcf; }
.wb-s[data-label="u"], i.u { background: #fde3b0; }
.wb-s[data-label="n"], i.n { background: #e6e6e6; }
.wb-s[data-label="n"] { color: #666; }
i.likely { background: transparent; border: 0; border-bottom: 2px dotted #1f5fa8;
  border-radius: 0; }
.wb-s.wb-selected { outline: 2px solid #1f5fa8; outline-offset: 1px; }
"""

_HTML = """
<div class="wb-legend">
  <span><i class="v"></i>verified</span><span><i class="d"></i>disputed</span>
  <span><i class="u"></i>unsourced</span><span><i class="n"></i>not a claim</span>
  <span><i class="likely"></i>likely claim, not yet labeled by you</span>
</div>
"""

_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  const view = JSON.parse(new TextDecoder().decode(data));
  let root = parentElement.querySelector(".wb-text");
  if (!root || root.dataset.article !== view.text.article) {
    if (root) root.remove();
    root = document.createElement("div");
    root.className = "wb-text";
    root.dataset.article = view.text.article;
    const spans = [];
    view.text.parts.forEach((part, i) => {
      const [gap, text, score, reasons] = part;
      if (gap) root.appendChild(document.createTextNode(gap));
      const span = document.createElement("span");
      span.className = score ? "wb-s wb-likely" : "wb-s";
      span.dataset.index = String(i);
      span.textContent = text;
      let tip = "Sentence " + (i + 1);
      if (score) tip += " · likely claim (" + score.toFixed(2) + ")";
      if (reasons) tip += ": " + reasons;
      span.title = tip;
      root.appendChild(span);
      spans.push(span);
    });
    if (view.text.tail) root.appendChild(document.createTextNode(view.text.tail));
    root.wbSpans = spans;
    root.wbCodes = "";
    root.wbSelected = -1;
    parentElement.appendChild(root);
  }
  root.onclick = (event) => {
    const span = event.target.closest ? event.target.closest(".wb-s") : null;
    if (!span) return;
    const index = Number(span.dataset.index);
    if (root.wbSelected >= 0) root.wbSpans[root.wbSelected].classList.remove("wb-selected");
    span.classList.add("wb-selected");
    root.wbSelected = index;
    setTriggerValue("select", index);
  };
  const codes = view.labels;
  const spans = root.wbSpans;
  for (let i = 0; i < spans.length; i++) {
    const code = codes[i] || ".";
    if (code === (root.wbCodes[i] || ".")) continue;
    if (code === ".") delete spans[i].dataset.label;
    else spans[i].dataset.label = code;
  }
  root.wbCodes = codes;
  const selected = view.selected;
  if (selected !== root.wbSelected || !spans[selected]?.classList.contains("wb-selected")) {
    if (root.wbSelected >= 0 && spans[root.wbSelected]) {
      spans[root.wbSelected].classList.remove("wb-selected");
    }
    if (spans[selected]) {
      spans[selected].classList.add("wb-selected");
      spans[selected].scrollIntoView({ block: "nearest" });
    }
    root.wbSelected = selected;
  }
}
"""

_render = st.components.v2.component(
    "workbench.sentence_text", html=_HTML, css=_CSS, js=_JS, isolate_styles=True
)


def label_codes(labels: Mapping[int, str], count: int) -> str:
    """One character per sentence: the reviewer's label code, or '.' when unlabeled."""
    codes = ["."] * count
    for index, label in labels.items():
        if 0 <= index < count:
            codes[index] = LABEL_CODES.get(label, ".")
    return "".join(codes)


def component_data(article: ArticleText, labels: Mapping[int, str], selected: int) -> bytes:
    """The bytes the component receives: label codes and selection, then the cached text."""
    head = json.dumps({"labels": label_codes(labels, len(article.sentences)), "selected": selected})
    return head[:-1].encode("utf-8") + b',"text":' + article.payload + b"}"


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
    result = st.session_state.get(key)
    value = result.get("select") if isinstance(result, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
