"""Facts a claim sentence states (figures, dates, actors) and where two such sentences disagree."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from workbench.domain.claim_words import load_claim_words

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = tuple(day.lower() for day in calendar.day_name)

_WORDS = load_claim_words()
NUMBER_WORDS = _WORDS.number_words
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}

UNITS = _WORDS.units
"""Head nouns of counted things, mapped to the category a reason names."""
_CASUALTY = re.compile(r"\b(?:" + "|".join(_WORDS.casualty_patterns) + r")\b", re.I)
_LOWER_BOUND = re.compile(r"\b(?:" + "|".join(_WORDS.lower_bound_patterns) + r")\s*$", re.I)
_UPPER_BOUND = re.compile(r"\b(?:" + "|".join(_WORDS.upper_bound_patterns) + r")\s*$", re.I)

OWNERS = _WORDS.owners
"""Who a figure belongs to: words naming a country or its forces, inside the counted phrase."""
# Who is credited with an agreement: a mediator, or the two sides talking directly.
_CREDIT_CUE = re.compile(
    r"(?:\b(?:" + "|".join(_WORDS.credit_cue_patterns) + r"))\b(?=([^.;]{0,120}))", re.I
)
_BROKERED = re.compile(r"\b([A-Z][A-Za-z.]*)-(?:brokered|mediated)\b")
_DIRECT = re.compile(r"\b(?:" + "|".join(_WORDS.direct_talks_patterns) + r")\b", re.I)
MEDIATORS = _WORDS.mediators
DIRECT_TALKS = "direct talks"
_MEDIATOR_NAMES = tuple(
    (re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])"), mediator)
    for name, mediator in MEDIATORS.items()
)

_NUMBER = re.compile(
    r"(?<![\w.-])(\d+(?:[.,]\d+)*|"
    + "|".join(NUMBER_WORDS)
    + r")(?:\s+(thousand|million|billion))?"
    r"(?![\w])",
    re.I,
)
_MONTH_DAY = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})(?!\d)"
    r"(?:,?\s+((?:19|20)\d\d))?",
    re.I,
)
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)
_TOKEN = re.compile(r"[A-Za-z%][A-Za-z.%-]*|\d[\d.,]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d.,]*")
STOPWORDS = _WORDS.stopwords
CONTEXT_WORDS = 5
"""Words read on each side of a date to tell which event it dates."""
WEEKDAY_CONTEXT_WORDS = 8
"""The same for a weekday set against a date ("at a press conference at the UN on Tuesday")."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A counted figure: 13 people killed, six Indian fighter jets."""

    value: float
    category: str
    owner: str | None = None
    bound: str = "eq"
    casualty: bool = False

    @property
    def label(self) -> str:
        """What the figure counts, as a reason names it ("killed", "fighter jets")."""
        return "killed" if self.casualty else self.category


@dataclass(frozen=True, slots=True)
class StatedDate:
    """A calendar date named in a sentence; the year only when the sentence gives it."""

    month: int
    day: int
    year: int | None = None

    def __str__(self) -> str:
        text = f"{calendar.month_name[self.month]} {self.day}"
        return f"{text}, {self.year}" if self.year else text


@dataclass(frozen=True, slots=True)
class Facts:
    """What a sentence states that can be compared with another sentence."""

    quantities: tuple[Quantity, ...] = ()
    dates: tuple[StatedDate, ...] = ()
    weekdays: frozenset[str] = frozenset()
    credited: frozenset[str] = frozenset()
    date_context: frozenset[str] = frozenset()
    """Lower-case words next to the dates: what happened then ("attack", "ceasefire began")."""
    weekday_context: frozenset[str] = frozenset()
    """The same for the weekdays named, read ``WEEKDAY_CONTEXT_WORDS`` wide."""
    wide_date_context: frozenset[str] = frozenset()
    """The dates' context as wide as the weekdays', to compare one with the other."""


def stem(token: str) -> str:
    """A light English stem: "strikes" and "striking" become "strik"/"strike" alike enough."""
    if len(token) <= 4 or not token.isalpha():
        return token
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)] + repl
    return token


def _context(text: str, spans: list[tuple[int, int]], width: int) -> frozenset[str]:
    """Lower-case content words within ``width`` words of any of ``spans``.

    Names are left out (one country or leader takes part in every event of a story); the
    words left say which event a date belongs to: "the April 22 Pahalgam terror attack",
    "strikes ... on May 7".
    """
    words: set[str] = set()
    for start, end in spans:
        near = _WORD.findall(text[:start])[-width:] + _WORD.findall(text[end:])[:width]
        for word in near:
            key = word.lower().replace("’", "'")
            if (
                word[0].islower()
                and word.isalpha()
                and key not in STOPWORDS
                and key not in MONTHS
                and key not in WEEKDAYS
            ):
                words.add(stem(key))
    return frozenset(words)


def _number_value(raw: str, scale: str | None) -> float | None:
    word = raw.lower()
    if word in NUMBER_WORDS:
        value = float(NUMBER_WORDS[word])
    else:
        try:
            value = float(word.replace(",", ""))
        except ValueError:
            return None
    return value * _SCALE.get((scale or "").lower(), 1.0)


def _quantities(text: str) -> list[Quantity]:
    masked = _MONTH_DAY.sub(lambda m: " " * len(m.group()), text)
    found: list[Quantity] = []
    for match in _NUMBER.finditer(masked):
        value = _number_value(match.group(1), match.group(2))
        if value is None or (1900 <= value <= 2100 and value.is_integer()):
            continue
        after = _TOKEN.findall(masked[match.end() : match.end() + 60])[:5]
        owner: str | None = None
        for token in after:
            key = token.lower().rstrip(".,")
            if key in OWNERS and owner is None:
                owner = OWNERS[key]
            if key in UNITS:
                before = masked[max(0, match.start() - 40) : match.start()]
                window = masked[max(0, match.start() - 40) : match.end() + 40]
                bound = "min" if _LOWER_BOUND.search(before) else "eq"
                bound = "max" if _UPPER_BOUND.search(before) else bound
                casualty = UNITS[key] == "people" and bool(_CASUALTY.search(window))
                found.append(Quantity(value, UNITS[key], owner, bound, casualty))
                break
    return found


def _credited(text: str) -> frozenset[str]:
    credited: set[str] = set()
    for match in _BROKERED.finditer(text):
        mediator = MEDIATORS.get(match.group(1).lower().rstrip("."))
        if mediator:
            credited.add(mediator)
    for match in _CREDIT_CUE.finditer(text):
        span = match.group(1).lower()
        credited.update(mediator for pattern, mediator in _MEDIATOR_NAMES if pattern.search(span))
    if _DIRECT.search(text):
        credited.add(DIRECT_TALKS)
    return frozenset(credited)


def extract_facts(text: str) -> Facts:
    """The figures, dates, weekdays and credited actors one sentence states."""
    date_matches = [m for m in _MONTH_DAY.finditer(text) if 1 <= int(m.group(2)) <= 31]
    dates = tuple(
        StatedDate(
            MONTHS[m.group(1).lower()], int(m.group(2)), int(m.group(3)) if m.group(3) else None
        )
        for m in date_matches
    )
    weekday_matches = list(_WEEKDAY.finditer(text))
    weekdays = frozenset(m.group(1).lower() for m in weekday_matches)
    return Facts(
        tuple(_quantities(text)),
        dates,
        weekdays,
        _credited(text),
        _context(text, [m.span() for m in date_matches], CONTEXT_WORDS),
        _context(text, [m.span() for m in weekday_matches], WEEKDAY_CONTEXT_WORDS),
        _context(text, [m.span() for m in date_matches], WEEKDAY_CONTEXT_WORDS),
    )


def _fmt(value: float) -> str:
    if value >= 1e9:
        return f"{value / 1e9:g} billion"
    if value >= 1e6:
        return f"{value / 1e6:g} million"
    return f"{value:g}"


def _compatible(a: Quantity, b: Quantity) -> bool:
    """Whether two figures for the same thing can both be true (bounds allow ranges)."""
    if a.bound == "min" and b.bound == "eq":
        return b.value >= a.value
    if b.bound == "min" and a.bound == "eq":
        return a.value >= b.value
    if a.bound == "max" and b.bound == "eq":
        return b.value <= a.value
    if b.bound == "max" and a.bound == "eq":
        return a.value <= b.value
    return a.bound != "eq" or a.value == b.value


def _quantity_conflict(a: Facts, b: Facts) -> str | None:
    for qa in a.quantities:
        same = [qb for qb in b.quantities if qb.label == qa.label]
        if not same:
            continue
        if not any(_compatible(qa, qb) for qb in same):
            return f"{_fmt(qa.value)} vs {_fmt(same[0].value)} {qa.label}"
        for qb in same:
            if qa.owner and qb.owner and qa.owner != qb.owner and qa.value == qb.value:
                return f"{qa.owner}'s vs {qb.owner}'s {qa.label}"
    return None


def _weekday(day: StatedDate) -> str | None:
    if day.year is None:
        return None
    try:
        return WEEKDAYS[date(day.year, day.month, day.day).weekday()]
    except ValueError:
        return None


def _date_conflict(a: Facts, b: Facts) -> str | None:
    """Different dates (or a weekday the date does not fall on) given for one event.

    Two dates alone say nothing: a story dates many events ("the April 22 attack", "strikes
    on May 7"). They conflict only when the words next to them name the same event.
    """
    if a.dates and b.dates and not a.date_context.isdisjoint(b.date_context):
        left = {(d.month, d.day) for d in a.dates}
        right = {(d.month, d.day) for d in b.dates}
        if left.isdisjoint(right):
            return f"{a.dates[0]} vs {b.dates[0]}"
    for one, other, flip in ((a, b, False), (b, a, True)):
        if (
            one.weekdays
            and not one.dates
            and other.dates
            and not other.weekdays
            and not one.weekday_context.isdisjoint(other.wide_date_context)
        ):
            named = [d for d in other.dates if _weekday(d)]
            if named and all(_weekday(d) not in one.weekdays for d in named):
                stated = sorted(one.weekdays)[0].title()
                full = f"{named[0]} (a {str(_weekday(named[0])).title()})"
                return f"{full} vs {stated}" if flip else f"{stated} vs {full}"
    return None


def _credit_conflict(a: Facts, b: Facts) -> str | None:
    if a.credited and b.credited and a.credited.isdisjoint(b.credited):
        return (
            f"credited to {' and '.join(sorted(a.credited))} vs {' and '.join(sorted(b.credited))}"
        )
    return None


def find_conflict(a: Facts, b: Facts) -> str | None:
    """A readable reason when two reports of one claim disagree on figures, dates or actors."""
    return _quantity_conflict(a, b) or _date_conflict(a, b) or _credit_conflict(a, b)
