"""Cross-article claim links: which sentences of different articles report the same claim."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from workbench.domain.char_tfidf import char_tfidf
from workbench.domain.checkworthiness import FEATURE_NAMES, features
from workbench.domain.claim_facts import (
    MONTHS,
    NUMBER_WORDS,
    extract_facts,
    find_conflict,
    stem,
)
from workbench.domain.claim_words import load_claim_words

LINK_THRESHOLD = 0.16
"""Combined similarity at or above which two sentences are linked (see benchmarks/links.py)."""
MATCHES_PER_ARTICLE = 3
"""Mutual best matches kept per pair of articles. This and the threshold are the settings the
link benchmark chose on the tuning half of its labeled pairs (never on the held-out half)."""
LINKS_PER_SENTENCE = 5
"""At most this many links per sentence, both directions counted: each sentence keeps its best."""
RELATED_LIMIT = 10
"""Linked sentences shown beside one sentence (the cap makes more rare; the read is LIMITed)."""
MIN_CONTENT_TOKENS = 4
MAX_CANDIDATES = 5_000
CANDIDATES_PER_SENTENCE = 15
"""Sentences of the index scored against one new sentence, those sharing most of its rare terms."""
QUERY_TERMS = 6
"""The rarest terms of a sentence looked up in the index."""
POSTINGS_PER_TERM = 50
"""Newest sentences read for one looked-up term."""
COMMON_TERM_SENTENCES = 5_000
"""A term used by more sentences than this says too little to find candidates by; not looked up."""
MAX_TERM_LENGTH = 64
WEIGHTS = (0.5, 0.5)  # claimed words, character n-grams

_WORDS = load_claim_words()
# Multi-word names and phrasings first, so the token synonyms see one token.
_PHRASE_PATTERNS = tuple((re.compile(p, re.I), r) for p, r in _WORDS.phrases)
SYNONYMS: dict[str, str] = {
    **_WORDS.synonyms,
    **{word: str(value) for word, value in NUMBER_WORDS.items()},
}
STOPWORDS = _WORDS.stopwords
ROLE_WORDS = _WORDS.role_words
"""Titles and roles say who someone is, not what they claim (they are not compared)."""
_MONTH_DAY = re.compile(
    r"\b("
    + "|".join(sorted((m.title() for m in MONTHS), key=len, reverse=True))
    + r")\.?\s+(\d{1,2})\b"
)
_TOKEN = re.compile(r"[a-z_]+(?:-[a-z]+)*\d*|\d+(?:\.\d+)?")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+(?:[-’'][A-Za-z]+)?|\b[A-Z]{2,}\b")
_MID_CAPITALISED = re.compile(r"(?<=[^\s.!?:“\"]\s)([A-Z][A-Za-z.]*(?:-[A-Za-z]+)*)")


@dataclass(frozen=True, slots=True)
class ClaimText:
    """A sentence as the linker sees it: an opaque key, its article and its text."""

    key: int
    article: str
    text: str


@dataclass(frozen=True, slots=True)
class ClaimLinkDraft:
    """Two linked sentences (keys ``a`` and ``b``), how similar, any conflict, and its score.

    ``score`` is the link model's probability that the two are the same claim, None when no
    link model was active when the link was made (see ``rank``).
    """

    a: int
    b: int
    similarity: float
    conflict: bool
    reason: str
    score: float | None = None

    @property
    def rank(self) -> float:
        """What links are ranked by, best first: the model's score when there is one."""
        return ranking_key(self.score, self.similarity)


def ranking_key(score: float | None, similarity: float) -> float:
    """A link's ranking key: its model score when it has one, else its similarity.

    The stored query orders by the same key (``coalesce(score, similarity)``).
    """
    return similarity if score is None else score


_facts = lru_cache(maxsize=65_536)(extract_facts)


_stem = stem


def _date_token(match: re.Match[str]) -> str:
    """ "May 10" becomes one rare token, so a shared date counts and "may" stays a stopword."""
    return f" date{MONTHS[match.group(1).lower()]:02d}{int(match.group(2)):02d} "


@lru_cache(maxsize=65_536)
def content_tokens(text: str) -> tuple[str, ...]:
    """Lower-cased, synonym-folded, lightly stemmed content words and numbers of a sentence."""
    norm = _MONTH_DAY.sub(_date_token, text).replace("’", "'").replace("‘", "'").lower()
    norm = re.sub(r"'s\b", "", norm)
    for pattern, repl in _PHRASE_PATTERNS:
        norm = pattern.sub(repl, norm)
    tokens: list[str] = []
    for raw in _TOKEN.findall(norm):
        word = SYNONYMS.get(raw, raw)
        if word in STOPWORDS or word in ROLE_WORDS:
            continue
        for part in word.split("-") if "-" in word and not word.startswith("-") else [word]:
            part = SYNONYMS.get(part, part)
            if part and part not in STOPWORDS and part not in ROLE_WORDS:
                tokens.append(SYNONYMS.get(_stem(part), _stem(part)))
    return tuple(tokens)


@lru_cache(maxsize=65_536)
def is_linkable(text: str) -> bool:
    """Whether a sentence states something to link: not a fragment, boilerplate or opinion.

    An unattributed opinion ("this could change everything") shares the story's words with
    the claims around it but reports nothing another outlet could confirm or contradict.
    """
    if len(content_tokens(text)) < MIN_CONTENT_TOKENS:
        return False
    cues = dict(zip(FEATURE_NAMES, features(text), strict=True))
    if cues["boilerplate"]:
        return False
    reported = cues["attribution"] or cues["quote"] or cues["figures"] or cues["dates"]
    return not (cues["opinion"] and not reported)


@lru_cache(maxsize=65_536)
def _names_in(doc: str) -> frozenset[str]:
    if not doc.rstrip().endswith((".", '"', "”", ")")):
        return frozenset()  # headings capitalise every word
    names: set[str] = set()
    for match in _MID_CAPITALISED.finditer(doc.replace("’s", "").replace("'s", "")):
        names.update(t for t in content_tokens(match.group(1)) if not t.isdigit())
    return frozenset(names)


def name_vocabulary(docs: Sequence[str]) -> frozenset[str]:
    """Tokens written capitalised inside running sentences: names, titles, parties, places."""
    return frozenset().union(*(_names_in(doc) for doc in docs))


def similarity(new: Sequence[str], corpus: Sequence[str]) -> NDArray[np.float64]:
    """Combined similarity of every new sentence (rows) to every corpus sentence (columns).

    Half is TF-IDF cosine over what is claimed (content words, figures and dates, synonyms
    folded) leaving out names, since one actor appears in many different claims; half is
    character n-gram cosine over all tokens, names included, which also catches spelling
    variants the token rules miss. (Weighting names on their own measured worse.)
    """
    n = len(new)
    if not new or not corpus:
        return np.zeros((n, len(corpus)))
    return similarity_rows([*new, *corpus], range(n))[:, n:]


def similarity_rows(docs: Sequence[str], rows: Sequence[int]) -> NDArray[np.float64]:
    """``similarity`` of the sentences at ``rows`` to every one of ``docs``, fitted on ``docs``.

    One fit over the union, so a batch of new sentences that are also part of the corpus is
    weighted exactly as if each had been compared with the corpus alone.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    picked = list(rows)
    if not docs or not picked:
        return np.zeros((len(picked), len(docs)))
    vocabulary = name_vocabulary(docs)
    tokens = [content_tokens(doc) for doc in docs]
    claimed = [[t for t in doc if t not in vocabulary] for doc in tokens]
    w_claim, w_char = WEIGHTS
    combined = np.zeros((len(picked), len(docs)))
    if any(claimed):
        words = TfidfVectorizer(analyzer=lambda doc: list(doc), sublinear_tf=True)
        matrix = words.fit_transform(claimed)
        combined += w_claim * np.asarray((matrix[picked] @ matrix.T).toarray())
    matrix = char_tfidf([" ".join(doc) for doc in tokens])
    combined += w_char * np.asarray((matrix[picked] @ matrix.T).toarray())
    return combined


def mutual_best(block: NDArray[np.float64], *, threshold: float, k: int) -> list[tuple[int, int]]:
    """Cells at or above ``threshold`` that are among the ``k`` best of both their row and column.

    One claim is told in one or two sentences of an article; keeping only mutual best matches
    per pair of articles stops a sentence that shares the story's vocabulary from linking to
    everything.
    """
    if block.size == 0:
        return []
    k_row, k_col = min(k, block.shape[1]), min(k, block.shape[0])
    row_best = np.argsort(-block, axis=1, kind="stable")[:, :k_row]
    col_best = np.argsort(-block, axis=0, kind="stable")[:k_col, :]
    cells = []
    for i in range(block.shape[0]):
        for j in row_best[i]:
            if block[i, j] >= threshold and i in col_best[:, j]:
                cells.append((i, int(j)))
    return cells


def shortlist(
    new: Sequence[ClaimText], corpus: Sequence[ClaimText], *, limit: int = MAX_CANDIDATES
) -> list[ClaimText]:
    """The corpus itself when small; else the ``limit`` sentences sharing most words with ``new``.

    Keeps the cost of linking one article bounded as the corpus grows; a sentence that shares
    no content word with the new article could not reach the link threshold anyway.
    """
    if len(corpus) <= limit:
        return list(corpus)
    wanted = {token for item in new for token in content_tokens(item.text)}
    shared = [len(wanted.intersection(content_tokens(item.text))) for item in corpus]
    best = sorted(range(len(corpus)), key=lambda i: (-shared[i], i))[:limit]
    return [corpus[i] for i in sorted(best) if shared[i]]


def link_claims(
    new: Sequence[ClaimText],
    corpus: Sequence[ClaimText],
    *,
    threshold: float = LINK_THRESHOLD,
    per_article: int = MATCHES_PER_ARTICLE,
) -> list[ClaimLinkDraft]:
    """Links from the new sentences to sentences of other articles that report the same claim.

    ``a`` is the sentence of the article whose id sorts first, so a pair has one orientation
    whatever order the articles arrived in.
    """
    fresh = [item for item in new if is_linkable(item.text)]
    others = shortlist(fresh, [item for item in corpus if is_linkable(item.text)])
    return _links(fresh, others, threshold=threshold, per_article=per_article)


def _links(
    fresh: Sequence[ClaimText],
    others: Sequence[ClaimText],
    *,
    threshold: float,
    per_article: int,
) -> list[ClaimLinkDraft]:
    """Mutual best matches of each pair of different articles, with their conflicts."""
    docs = [item.text for item in fresh] + [item.text for item in others]
    scores = similarity_rows(docs, range(len(fresh)))[:, len(fresh) :]
    rows_by_article: dict[str, list[int]] = {}
    cols_by_article: dict[str, list[int]] = {}
    for i, item in enumerate(fresh):
        rows_by_article.setdefault(item.article, []).append(i)
    for j, item in enumerate(others):
        cols_by_article.setdefault(item.article, []).append(j)
    links: dict[tuple[int, int], ClaimLinkDraft] = {}
    for article, rows in rows_by_article.items():
        for other_article, cols in cols_by_article.items():
            if other_article == article:
                continue
            block = scores[np.ix_(rows, cols)]
            for i, j in mutual_best(block, threshold=threshold, k=per_article):
                one, two = fresh[rows[i]], others[cols[j]]
                first, second = sorted((one, two), key=lambda c: (c.article, c.key))
                if (first.key, second.key) in links:
                    continue
                reason = find_conflict(_facts(first.text), _facts(second.text))
                links[(first.key, second.key)] = ClaimLinkDraft(
                    first.key,
                    second.key,
                    round(float(block[i, j]), 4),
                    reason is not None,
                    reason or "",
                )
    return sorted(links.values(), key=lambda link: (link.a, link.b))


def index_terms(text: str) -> frozenset[str]:
    """The terms a sentence is found by in the link index; none when it is not linkable."""
    if not is_linkable(text):
        return frozenset()
    return frozenset(t for t in content_tokens(text) if len(t) <= MAX_TERM_LENGTH)


def query_terms(
    terms: Iterable[str], frequency: Mapping[str, int], *, limit: int = QUERY_TERMS
) -> list[str]:
    """The ``limit`` rarest of ``terms`` that another sentence also uses and that are not common.

    ``frequency`` is how many indexed sentences use each term, the sentence itself included.
    """
    usable = [t for t in terms if 1 < frequency.get(t, 0) <= COMMON_TERM_SENTENCES]
    return sorted(usable, key=lambda t: (frequency[t], t))[:limit]


def rank_candidates(
    terms: Sequence[str],
    postings: Mapping[str, Sequence[int]],
    *,
    exclude: Collection[int] = (),
    limit: int = CANDIDATES_PER_SENTENCE,
) -> list[int]:
    """Keys of the ``limit`` sentences sharing most of ``terms`` (newest first on ties)."""
    shared: dict[int, int] = {}
    for term in terms:
        for key in postings.get(term, ()):
            if key not in exclude:
                shared[key] = shared.get(key, 0) + 1
    return sorted(shared, key=lambda key: (-shared[key], -key))[:limit]


def link_candidates(
    fresh: Sequence[ClaimText],
    candidates: Sequence[ClaimText],
    *,
    threshold: float = LINK_THRESHOLD,
    per_article: int = MATCHES_PER_ARTICLE,
) -> list[ClaimLinkDraft]:
    """Links of one article's sentences to the candidates the index found for them."""
    rows = [item for item in fresh if is_linkable(item.text)]
    known = {item.key for item in rows}
    others = [item for item in candidates if item.key not in known and is_linkable(item.text)]
    if not rows or not others:
        return []
    return _links(rows, others, threshold=threshold, per_article=per_article)


def cap_links(
    new: Iterable[ClaimLinkDraft],
    stored: Iterable[ClaimLinkDraft],
    article_of: Mapping[int, str],
    *,
    per_sentence: int = LINKS_PER_SENTENCE,
) -> tuple[list[ClaimLinkDraft], list[ClaimLinkDraft]]:
    """Which new links to add and which stored ones to drop so no sentence passes its cap.

    ``stored`` must hold every stored link of each sentence a new link touches, ``article_of``
    the article of every sentence named. Links are taken while both of their sentences are under
    ``per_sentence``: first each sentence's best link to each other article, best ``rank``
    first (the link model's score, else the similarity), then the rest, so a claim told by many
    outlets keeps one link to each before a second to any. A sentence outside this set can only
    lose links (only its links to the set are seen).
    """
    stored_pairs = {(link.a, link.b): link for link in stored}
    fresh = {
        (link.a, link.b): link
        for link in sorted(new, key=lambda link: -link.rank)
        if (link.a, link.b) not in stored_pairs
    }
    every = sorted(
        [*stored_pairs.values(), *fresh.values()],
        key=lambda link: (-link.rank, -link.similarity, link.a, link.b),
    )
    seen: set[tuple[int, str]] = set()
    second: set[tuple[int, int]] = set()
    for link in every:
        ends = ((link.a, article_of[link.b]), (link.b, article_of[link.a]))
        if any(end in seen for end in ends):
            second.add((link.a, link.b))
        seen.update(ends)
    ranked = sorted(every, key=lambda link: (link.a, link.b) in second)
    count: dict[int, int] = {}
    added: list[ClaimLinkDraft] = []
    dropped: list[ClaimLinkDraft] = []
    for link in ranked:
        keep = count.get(link.a, 0) < per_sentence and count.get(link.b, 0) < per_sentence
        if keep:
            count[link.a] = count.get(link.a, 0) + 1
            count[link.b] = count.get(link.b, 0) + 1
        is_new = (link.a, link.b) in fresh
        if keep and is_new:
            added.append(link)
        elif not keep and not is_new:
            dropped.append(link)
    return sorted(added, key=lambda link: (link.a, link.b)), dropped
