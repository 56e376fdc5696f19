"""The word tables claim links and claim facts apply their rules to, read from a data file.

The tables ship as ``workbench/domain/data/claim_words.toml``; each has a ``general`` part, which
holds for English news at large, and a ``demo`` part, which fits the seed corpus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workbench.domain.data_files import read_toml
from workbench.errors import InputError

PARTS = ("general", "demo")
"""The parts of every table: words for any English news, and words fitting the demo corpus."""
_PACKAGED = "data/claim_words.toml"


@dataclass(frozen=True, slots=True)
class ClaimWords:
    """Every word table of the claim linker and the fact extractor."""

    phrases: tuple[tuple[str, str], ...]
    """(pattern, replacement) rewrites applied in order before a sentence is split into words."""
    synonyms: Mapping[str, str]
    """Word -> the word it is folded into."""
    stopwords: frozenset[str]
    role_words: frozenset[str]
    number_words: Mapping[str, int]
    units: Mapping[str, str]
    """Head noun of a counted thing -> the category a conflict reason names."""
    casualty_patterns: tuple[str, ...]
    lower_bound_patterns: tuple[str, ...]
    upper_bound_patterns: tuple[str, ...]
    owners: Mapping[str, str]
    """Word inside a counted phrase -> the country the figure belongs to."""
    credit_cue_patterns: tuple[str, ...]
    mediators: Mapping[str, str]
    """Name of a mediator -> the party credited."""
    direct_talks_patterns: tuple[str, ...]


class _Reader:
    """Checks the parsed file table by table, naming the file and table in every complaint."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        self.seen: set[str] = set()

    def fail(self, message: str) -> InputError:
        return InputError(message, source=self.source)

    def parts(self, table: str) -> list[tuple[str, Any]]:
        """The parts of one table, general first; a table must exist and have a known part."""
        self.seen.add(table)
        value = self.data.get(table)
        if not isinstance(value, dict) or not value:
            raise self.fail(f"table [{table}] is missing or empty")
        unknown = sorted(set(value) - set(PARTS))
        if unknown:
            raise self.fail(f"[{table}] has part {unknown[0]!r}; expected {' or '.join(PARTS)}")
        return [(part, value[part]) for part in PARTS if part in value]

    def words(self, table: str) -> frozenset[str]:
        found: set[str] = set()
        for part, items in self.parts(table):
            for word in self._strings(items, f"[{table}.{part}]"):
                if word in found:
                    raise self.fail(f"[{table}] lists {word!r} twice")
                found.add(word)
        return frozenset(found)

    def patterns(self, table: str) -> tuple[str, ...]:
        found: list[str] = []
        for part, items in self.parts(table):
            for pattern in self._strings(items, f"[{table}.{part}]"):
                self._compile(pattern, f"[{table}.{part}]")
                found.append(pattern)
        return tuple(found)

    def mapping(self, table: str, kind: type[str] | type[int]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for part, items in self.parts(table):
            where = f"[{table}.{part}]"
            if not isinstance(items, dict):
                raise self.fail(f"{where} must be a table of words")
            for word, value in items.items():
                if not isinstance(value, kind) or isinstance(value, bool):
                    raise self.fail(f"{where} {word!r} must be a {kind.__name__}, not {value!r}")
                if word in found:
                    raise self.fail(f"[{table}] gives {word!r} in more than one part")
                found[word] = value
        return found

    def synonyms(self, table: str) -> dict[str, str]:
        """Word -> canonical word, from tables of canonical word -> list of words."""
        found: dict[str, str] = {}
        for part, groups in self.parts(table):
            where = f"[{table}.{part}]"
            if not isinstance(groups, dict):
                raise self.fail(f"{where} must be a table of word lists")
            for canonical, words in groups.items():
                for word in self._strings(words, f"{where} {canonical!r}"):
                    if word in found:
                        raise self.fail(
                            f"[{table}] folds {word!r} into both {found[word]!r} and {canonical!r}"
                        )
                    found[word] = canonical
        return found

    def phrases(self, table: str) -> tuple[tuple[str, str], ...]:
        self.seen.add(table)
        entries = self.data.get(table)
        if not isinstance(entries, list) or not entries:
            raise self.fail(f"[[{table}]] entries are missing")
        found: list[tuple[str, str]] = []
        for number, entry in enumerate(entries, start=1):
            where = f"[[{table}]] entry {number}"
            if not isinstance(entry, dict) or set(entry) != {"fits", "pattern", "replace"}:
                raise self.fail(f"{where} must have exactly fits, pattern and replace")
            if entry["fits"] not in PARTS:
                raise self.fail(f"{where} fits {entry['fits']!r}; expected {' or '.join(PARTS)}")
            pattern, replace = entry["pattern"], entry["replace"]
            if not isinstance(pattern, str) or not isinstance(replace, str):
                raise self.fail(f"{where}: pattern and replace must be strings")
            compiled = self._compile(pattern, where)
            try:
                compiled.sub(replace, "")  # checks the group references of ``replace``
            except re.error as exc:
                raise self.fail(f"{where} replace {replace!r}: {exc}") from None
            found.append((pattern, replace))
        return tuple(found)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.fail(f"unknown table [{unknown[0]}]")

    def _strings(self, items: Any, where: str) -> list[str]:
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise self.fail(f"{where} must be a list of non-empty strings")
        return list(items)

    def _compile(self, pattern: str, where: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern, re.I)
        except re.error as exc:
            raise self.fail(f"{where} pattern {pattern!r}: {exc}") from None


@cache
def load_claim_words(path: Path | None = None) -> ClaimWords:
    """The word tables of ``path``, by default the file shipped in the package; checked whole."""
    data, source = read_toml(_PACKAGED, path)
    read = _Reader(data, source)
    words = ClaimWords(
        phrases=read.phrases("phrases"),
        synonyms=read.synonyms("synonyms"),
        stopwords=read.words("stopwords"),
        role_words=read.words("role_words"),
        number_words=read.mapping("number_words", int),
        units=read.mapping("units", str),
        casualty_patterns=read.patterns("casualty_patterns"),
        lower_bound_patterns=read.patterns("lower_bound_patterns"),
        upper_bound_patterns=read.patterns("upper_bound_patterns"),
        owners=read.mapping("owners", str),
        credit_cue_patterns=read.patterns("credit_cue_patterns"),
        mediators=read.mapping("mediators", str),
        direct_talks_patterns=read.patterns("direct_talks_patterns"),
    )
    read.finish()
    return words
