"""Check-worthiness by rules: how likely a sentence is a factual claim, and why."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

LIKELY_CLAIM = 0.5
"""Sentences scoring at least this are marked as likely claims before anyone labels them."""

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|hundred|"
    "hundreds|thousand|thousands|million|millions|billion|billions|half"
)
_FIGURE = re.compile(
    rf"\b\d[\d,.]*\s*(?:%|percent|per cent)?|\b(?:{_NUMBER_WORDS})\b(?:-\w+)?", re.IGNORECASE
)
_DATE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:19|20)\d\d\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|stated|states|told|tells|according to|reported|reports|confirmed|"
    r"announced|claimed|claims|asserted|warned|noted|added|insisted|denied|alleged|"
    r"emphasi[sz]ed|stressed|urged|proposed|called for|indicated|cited|quoted)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“”]")
_EVENT_VERB = re.compile(
    r"\b(?:killed|killing|died|dead|deaths|wounded|injured|destroyed|downed|downing|"
    r"launched|arrived|met|agreed|signed|attacked|struck|strikes|brokered|elected|"
    r"won|lost|rose|fell|increased|decreased|banned|approved|blamed|arrested|visited|"
    r"led|included|came into effect|took place)\b",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(?:more than|less than|fewer than|over|under|at least|at most|higher|lower|larger|"
    r"smaller|most|least|largest|biggest|highest|lowest|first|record|doubled|tripled|"
    r"increase[sd]?|decrease[sd]?|compared|than)\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(?:should|must|ought|could|might|may(?!\s+\d)|would|hope|hopeful|believe|think|feel|"
    r"seems?|perhaps|possibly|likely|crucial|powerful|pragmatic|bold|striking|"
    r"game-changer|we need|needs? to|in my view|arguably)\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:comments?\b|read more\b|related articles?\b|published on\b|share\b|subscribe\b|"
    r"follow us\b|advertisement\b|click here\b|sign up\b|copyright\b|all rights reserved\b|"
    r"[-*•]\s|\d+\.\s)|trackbacks|pingbacks|comments are closed|this article explores",
    re.IGNORECASE,
)
_CALENDAR_WORDS = frozenset(
    _MONTHS.split("|") + "monday tuesday wednesday thursday friday saturday sunday".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z’'-]+|\b[A-Z]{2,}\b")


@dataclass(frozen=True, slots=True)
class CheckScore:
    """A sentence's check-worthiness in [0, 1] and the reasons behind it."""

    score: float
    reasons: tuple[str, ...]


def named_actors(text: str) -> list[str]:
    """Capitalised words (possessives dropped) other than a lone sentence-initial word."""
    found = [m.group().removesuffix("’s").removesuffix("'s") for m in _CAPITALISED.finditer(text)]
    names = [name for name in dict.fromkeys(found) if name.lower() not in _CALENDAR_WORDS]
    first = found[0] if found else ""
    if first in names and found.count(first) == 1 and not first.isupper():
        if text.lstrip("“\"'‘(").startswith(first):
            names.remove(first)
    return names


def _is_headline(text: str, words: Sequence[str]) -> bool:
    """No closing punctuation and mostly capitalised words: a title or a section heading."""
    if text.rstrip().endswith((".", "!", "?", "”", '"', ")", "’")) or len(words) < 2:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.6 or len(words) <= 6


def features(text: str) -> list[float]:
    """Numeric cues of a claim, in a fixed order (see FEATURE_NAMES); inputs to the model too."""
    words = _WORD.findall(text)
    n_words = len(words)
    return [
        float(len(_FIGURE.findall(text))),
        float(len(_DATE.findall(text))),
        float(len(_ATTRIBUTION.findall(text))),
        float(bool(_QUOTE.search(text))),
        float(len(named_actors(text))),
        float(len(_COMPARISON.findall(text))),
        float(len(_EVENT_VERB.findall(text))),
        float(len(_OPINION.findall(text))),
        float(text.rstrip().endswith("?")),
        float(bool(_BOILERPLATE.search(text.strip()))),
        float(_is_headline(text, words)),
        float(n_words),
        float(text.rstrip().endswith("!")),
    ]


FEATURE_NAMES: tuple[str, ...] = (
    "figures",
    "dates",
    "attribution",
    "quote",
    "named_actors",
    "comparisons",
    "event_verbs",
    "opinion",
    "question",
    "boilerplate",
    "headline",
    "words",
    "exclamation",
)


def score_sentence(text: str) -> CheckScore:
    """Rule-based check-worthiness of one sentence with short human-readable reasons."""
    (
        figures,
        dates,
        attribution,
        quote,
        actors,
        comparisons,
        events,
        opinion,
        question,
        boilerplate,
        headline,
        n_words,
        exclamation,
    ) = features(text)
    reasons: list[str] = []
    logit = -1.6
    if figures:
        logit += min(figures, 3) * 0.9
        reasons.append(f"figures or quantities ({int(figures)})")
    if dates:
        logit += min(dates, 2) * 0.7
        reasons.append("dates")
    if attribution or quote:
        logit += 0.9 + 0.3 * min(attribution, 2)
        reasons.append("attributed statement or quote")
    if actors:
        logit += min(actors, 4) * 0.35
        names = named_actors(text)
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        reasons.append(f"named actors ({shown})")
    if events:
        logit += min(events, 2) * 0.6
        reasons.append("reports an event")
    if comparisons:
        logit += min(comparisons, 2) * 0.3
        reasons.append("comparison")
    if opinion:
        logit -= min(opinion, 3) * 0.6
        reasons.append("opinion or speculation lowers it")
    for lowers, by, reason in (
        (question, 2.0, "a question lowers it"),
        (exclamation, 1.0, "exclamation lowers it"),
        (boilerplate, 3.0, "boilerplate or navigation lowers it"),
        (headline, 1.5, "headline or heading lowers it"),
        (n_words < 5, 1.5, "very short"),
    ):
        if lowers:
            logit -= by
            reasons.append(reason)
    score = 1.0 / (1.0 + math.exp(-logit))
    return CheckScore(round(score, 4), tuple(reasons))


def is_likely_claim(score: float) -> bool:
    """True when a score marks the sentence as a likely claim."""
    return score >= LIKELY_CLAIM


def order_claims_first(scores: Sequence[float]) -> list[int]:
    """Sentence indices ordered by check-worthiness, highest first; ties keep reading order."""
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))
