"""An article's text and sentences as plain, immutable data, cached per article id."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import streamlit as st

from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.checkworthiness import is_likely_claim
from workbench.ui import runtime


@dataclass(frozen=True, slots=True)
class ShownSentence:
    """One sentence as the article text shows it: id, position, text and check-worthiness."""

    id: int
    index: int
    text: str
    checkworthiness: float
    reasons: tuple[str, ...] = ()
    boilerplate: bool = False  # marked by an editor: not to be labeled

    @property
    def to_label(self) -> bool:
        """True unless an editor marked this sentence as boilerplate."""
        return not self.boilerplate

    @property
    def likely_claim(self) -> bool:
        """True when the check-worthiness score marks this sentence as a likely claim."""
        return not self.boilerplate and is_likely_claim(self.checkworthiness)


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article's metadata and sentences, plus the text component's pre-serialised part."""

    id: str
    title: str
    outlet: str | None
    author: str | None
    published: str | None
    url: str | None
    sentences: tuple[ShownSentence, ...]
    payload: bytes
    version: str = ""  # digest of ``payload``: the text's ETag in the browser

    def sentence(self, index: int) -> ShownSentence:
        """The sentence at ``index``, clamped into range."""
        return self.sentences[max(0, min(index, len(self.sentences) - 1))]


def build_article_text(db: Database, article_id: str) -> ArticleText | None:
    """Read one article and turn it into plain data (None when there is no such article)."""
    with db.read() as session:
        article = queries.get_article(session, article_id=article_id)
        if article is None:
            return None
        body = article.body
        rows = tuple(
            ShownSentence(
                id=s.id,
                index=s.index,
                text=s.text,
                checkworthiness=float(s.checkworthiness or 0.0),
                reasons=tuple(str(r) for r in (s.check_reasons or [])),
                boilerplate=bool(s.boilerplate),
            )
            for s in article.sentences
        )
        spans = [(s.start, s.end) for s in article.sentences]
        meta = (article.title, article.outlet, article.author, article.published, article.url)
    parts: list[list[object]] = []
    cursor = 0
    for row, (start, end) in zip(rows, spans, strict=True):
        # Gaps are sent as text too, so the browser never needs Python string offsets.
        score = round(row.checkworthiness, 2) if row.likely_claim else 0
        part: list[object] = [body[cursor:start], row.text, score]
        part.append(", ".join(row.reasons) if score else "")
        if row.boilerplate:
            part.append(1)  # only then: the text of an article without any stays as it was
        parts.append(part)
        cursor = max(cursor, end)
    static = {"article": article_id, "parts": parts, "tail": body[cursor:]}
    payload = json.dumps(static, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    title, outlet, author, published, url = meta
    version = hashlib.blake2b(payload, digest_size=12).hexdigest()
    return ArticleText(article_id, title, outlet, author, published, url, rows, payload, version)


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def load_article(article_id: str) -> ArticleText | None:
    """The article ``article_id`` as plain data, cached per id for every session."""
    return build_article_text(runtime.get_db(), article_id)
