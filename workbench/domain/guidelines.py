"""Labeling guidelines: the packaged default, the checks on a new text, and its display blocks.

Guidelines are Markdown written by an admin. They are shown as *text-safe* Markdown: the
structure of each line (heading, list item, quote, rule, paragraph) and bold or italic runs
are kept, everything else (HTML, links, images, code, Streamlit directives) is shown as the
characters that were typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from workbench.domain.labels import LABELS, Label
from workbench.domain.markdown_text import plain_line, styled_spans
from workbench.errors import InputError

MAX_GUIDELINES_LENGTH = 50_000
_PACKAGED = "data/guidelines.md"

# A label's one-line meaning, as the design's label table gives it; the tooltip of a label
# button when the guidelines in force define no line of their own for it.
DEFAULT_DEFINITIONS: dict[Label, str] = {
    Label.VERIFIED: "Reliable evidence supports the claim (needs a 'supports' item).",
    Label.DISPUTED: "Reliable evidence contradicts it, or credible sources conflict "
    "(needs a 'refutes' item).",
    Label.UNSOURCED: "A factual claim with no attribution and no evidence found.",
    Label.NOT_A_CLAIM: "Opinion, headline, boilerplate or navigation text; no evidence.",
}

_HEADING = re.compile(r" {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*")
_BULLET = re.compile(r"( *)[-*+]\s+(.*)")
_NUMBERED = re.compile(r"( *)(\d{1,9})[.)]\s+(.*)")
_QUOTE = re.compile(r" {0,3}>\s?(.*)")
_RULE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *")
# "**verified**: ...", "verified: ...", "`verified` - ..." at the start of a line's text.
_DEFINITION = re.compile(r"[*_`]*(\w+)[*_`]*\s*[:\u2013\u2014-]\s*(.+)")


def default_guidelines() -> str:
    """The guidelines that ship with the package: version 1 of a new database."""
    return resources.files("workbench.domain").joinpath(_PACKAGED).read_text(encoding="utf-8")


def check_guidelines(text: object) -> str:
    """``text`` with normalised line endings, or InputError when it cannot be guidelines."""
    if not isinstance(text, str):
        raise InputError(f"guidelines must be text, got {type(text).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the guidelines are empty; write what each label means")
    if len(text) > MAX_GUIDELINES_LENGTH:
        raise InputError(
            f"the guidelines are {len(text):,} characters long; "
            f"at most {MAX_GUIDELINES_LENGTH:,} are allowed"
        )
    if "\x00" in text:
        raise InputError("the guidelines contain a NUL character")
    return text


@dataclass(frozen=True, slots=True)
class Span:
    """A run of inline text, bold and/or italic."""

    text: str
    strong: bool = False
    emphasis: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """One line of guidelines: ``kind`` is heading, bullet, numbered, quote, rule, text or blank.

    ``level`` is the heading level, or the nesting depth of a list item (0 at the margin);
    ``number`` is a numbered item's number.
    """

    kind: str
    spans: tuple[Span, ...] = ()
    level: int = 0
    number: int = 0


def _spans(text: str) -> tuple[Span, ...]:
    return tuple(Span(t, s, e) for t, s, e in styled_spans(text.rstrip()))


def _block(line: str) -> Block:
    if not line.strip():
        return Block("blank")
    if _RULE.fullmatch(line):
        return Block("rule")
    if match := _HEADING.fullmatch(line):
        return Block("heading", _spans(match[2]), level=len(match[1]))
    if match := _NUMBERED.fullmatch(line):
        return Block("numbered", _spans(match[3]), level=len(match[1]) // 2, number=int(match[2]))
    if match := _BULLET.fullmatch(line):
        return Block("bullet", _spans(match[2]), level=len(match[1]) // 2)
    if match := _QUOTE.fullmatch(line):
        return Block("quote", _spans(match[1]))
    return Block("text", _spans(line.strip()))


def guideline_blocks(text: str) -> list[Block]:
    """The guidelines as display blocks, one per line, in order."""
    return [_block(line) for line in text.split("\n")]


def label_definitions(text: str) -> dict[Label, str]:
    """Each label's one-line definition: the guidelines' own line for it, else the default.

    A line defines a label when its text starts with the label's name followed by ``:`` or a
    dash, as in ``- **verified**: reliable evidence supports the claim.``
    """
    found: dict[Label, str] = {}
    for line in text.split("\n"):
        plain, _ = plain_line(line)
        bullet = _BULLET.fullmatch(plain) or _NUMBERED.fullmatch(plain)
        body = bullet[bullet.lastindex or 0] if bullet else plain.strip()
        match = _DEFINITION.fullmatch(body.strip())
        if match and match[1].lower() in LABELS:
            label = Label(match[1].lower())
            found.setdefault(label, match[2].strip())
    return {label: found.get(label, DEFAULT_DEFINITIONS[label]) for label in Label}
