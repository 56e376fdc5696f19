"""News rules over pysbd's sentences: undo false splits, add missed ones, offsets kept exact.

pysbd errs in news text in two ways above all: it ends a sentence after an abbreviation, a time
or a unit that the next words continue ("at 9 a.m. | Eastern time", "5 ft. | tall"), and it
runs two sentences together when the first ends in an abbreviation or an initialism and the
next starts with a capital ("in Washington, D.C. He moved"). The words the rules apply to are
in ``workbench/domain/data/news_abbreviations.toml``. Every rule looks at a bounded window
around one boundary or one full stop, so the pass is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workbench.domain.data_files import read_toml
from workbench.errors import InputError

_PACKAGED = "data/news_abbreviations.toml"
_TABLES = (
    "titles",
    "place_prefixes",
    "numbered",
    "time_marks",
    "time_continuations",
    "months",
    "company_suffixes",
    "company_roles",
    "sentence_final",
    "sentence_openers",
)
_WINDOW = 48  # characters looked at on either side of a boundary: longer than any rule's word
_OPENING = "\"'“‘([{«"
_CONTINUING = ",;:)]}%"
_INITIALISM = re.compile(r"(?:[A-Za-z]{1,2}\.){2,}")  # U.S., D.C., a.m., Ph.D.
# A word in lower case that a headline in title case would capitalise: a headline has none.
_LOWER_WORD = re.compile(
    r"(?<![\w'’-])(?!(?:a|an|the|and|but|or|nor|for|of|in|on|at|to|by|as|up|per|via|vs)\b)[a-z]"
)
_LETTER = re.compile(r"[A-Z]\.")  # a letter after a word in lower case ends a sentence
_DAY = re.compile(r"\S+\s+\d")
# A full stop, then space, then a capital (possibly after an opening quote): where a missed
# sentence end can be.
_FULL_STOP = re.compile(r"\.\s+(?=[\"'“‘(]?[A-Z])")
_WORD = re.compile(r"[\"'“‘(]?([A-Za-z][A-Za-z-]*)(.?)")


@dataclass(frozen=True, slots=True)
class NewsAbbreviations:
    """The word tables of the news rules; see the data file for what each one means."""

    titles: frozenset[str]
    place_prefixes: frozenset[str]
    numbered: frozenset[str]
    time_marks: frozenset[str]
    time_continuations: frozenset[str]
    months: frozenset[str]
    company_suffixes: frozenset[str]
    company_roles: frozenset[str]
    sentence_final: frozenset[str]
    sentence_openers: frozenset[str]


@cache
def load_news_abbreviations(path: Path | None = None) -> NewsAbbreviations:
    """The word tables of ``path``, by default the file shipped in the package; checked whole."""
    data, source = read_toml(_PACKAGED, path)
    unknown = sorted(set(data) - set(_TABLES))
    if unknown:
        raise InputError(f"unknown table [{unknown[0]}]", source=source)
    tables: dict[str, frozenset[str]] = {}
    for table in _TABLES:
        value = data.get(table)
        if not isinstance(value, dict) or set(value) != {"words"}:
            raise InputError(f"table [{table}] must hold exactly one list, words", source=source)
        words = value["words"]
        if not isinstance(words, list) or not all(
            isinstance(word, str) and word and not any(c.isspace() for c in word) for word in words
        ):
            raise InputError(f"[{table}] words must be single words, as strings", source=source)
        if len(set(words)) != len(words):
            twice = next(word for word in words if words.count(word) > 1)
            raise InputError(f"[{table}] lists {twice!r} twice", source=source)
        tables[table] = frozenset(words)
    return NewsAbbreviations(**tables)


def _last_word(text: str, end: int, floor: int) -> str:
    """The word that ends at ``end`` (at most _WINDOW characters back), opening marks removed."""
    window = text[max(floor, end - _WINDOW) : end]
    parts = window.rsplit(None, 1)
    return parts[-1].lstrip(_OPENING) if parts else ""


def _next_word(text: str, start: int) -> tuple[str, str]:
    """The word starting at ``start`` (after an opening mark) and the character after it."""
    found = _WORD.match(text, start, start + _WINDOW)
    return (found.group(1), found.group(2)) if found else ("", "")


def _ends_sentence(word: str, rules: NewsAbbreviations) -> bool:
    """Whether ``word`` (ending in a full stop) may be the last word of a sentence."""
    last = word.rsplit("-", 1)[-1]  # "D-Md." is a state
    if last in rules.sentence_final or word in rules.sentence_final:
        return True
    return len(last) <= _WINDOW and _INITIALISM.fullmatch(last) is not None


def _alone(text: str, start: int, word_start: int) -> bool:
    """Whether nothing but opening marks comes between ``start`` and ``word_start``."""
    return word_start - start <= 4 and not text[start:word_start].strip(_OPENING)


def _continues(text: str, before: tuple[int, int], after: tuple[int, int]) -> bool:
    """Whether the piece ``after`` continues the sentence ``before`` (pysbd's split is false)."""
    rules = load_news_abbreviations()
    first = text[after[0]]
    if first in _CONTINUING:
        return True
    head = text[after[0] : min(after[1], after[0] + _WINDOW)].split(None, 1)[0]
    if first.islower() and not any(c.isupper() for c in head):
        return True
    if head.rstrip(",;:") in rules.company_suffixes and text[before[1] - 1] == ".":
        return True
    last = _last_word(text, before[1], before[0])
    word, following = _next_word(text, after[0])
    if last in rules.titles:
        return True
    if _ends_sentence(last, rules) and _alone(text, before[0], before[1] - len(last)):
        return True  # no sentence is one abbreviation: "U.S. | In Talks", "Mass. | Gov. Healey"
    if last in rules.place_prefixes and word not in rules.sentence_openers:
        return True
    if last in rules.numbered and first.isdigit():
        return True
    if last in rules.time_marks and word in rules.time_continuations:
        return following not in ("'", "’")  # "4 p.m. Tuesday's vote" starts a sentence
    if last in rules.time_marks and head in rules.months:
        return _DAY.match(text, after[0], min(after[1], after[0] + _WINDOW)) is not None
    return last in rules.company_suffixes and word in rules.company_roles


def _missed_ends(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(end, start) of each sentence break inside ``text[start:end]`` that pysbd missed."""
    rules = load_news_abbreviations()
    breaks: list[tuple[int, int]] = []
    if _LOWER_WORD.search(text, start, end) is None:
        return breaks  # a headline: "Talks With U.S. Officials Stall"
    for stop in _FULL_STOP.finditer(text, start, end):
        last = _last_word(text, stop.start() + 1, start)
        word_start = stop.start() + 1 - len(last)
        if _LETTER.fullmatch(last):  # "George W. Bush" is an initial, "on X. Russia" is not
            if not _last_word(text, word_start, start)[:1].islower():
                continue
        elif not _ends_sentence(last, rules) or _alone(text, start, word_start):
            continue  # no sentence is one abbreviation: "U.S. In Talks" is a headline
        word, following = _next_word(text, stop.end())
        if word in rules.sentence_openers and following != ".":
            breaks.append((stop.start() + 1, stop.end()))
    return breaks


def correct_splits(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pieces`` (pysbd's sentences as offsets into ``text``) with the news rules applied."""
    merged: list[tuple[int, int]] = []
    for piece in pieces:
        if merged and _continues(text, merged[-1], piece):
            merged[-1] = (merged[-1][0], piece[1])
        else:
            merged.append(piece)
    corrected: list[tuple[int, int]] = []
    for start, end in merged:
        for stop, resume in _missed_ends(text, start, end):
            corrected.append((start, stop))
            start = resume
        corrected.append((start, end))
    return corrected
