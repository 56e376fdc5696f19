"""Text made safe for where it goes: spreadsheet cells, terminals and account names."""

from __future__ import annotations

import unicodedata

# OWASP "CSV injection": a spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME_PUNCTUATION = "._-"
MAX_NAME_LENGTH = 100

# Cyrillic and Greek letters drawn like Latin ones; a name made only of them impersonates
# the Latin name they spell (Cyrillic "асе" reads as "ace").
_LATIN_LOOKALIKES = frozenset(
    "аВвсеЕНнКкМмОоРрТтХхуУіІјЈѕЅԁԛԝӏАСՕ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχ"  # Greek
)


def spreadsheet_cell(value: object) -> object:
    """``value`` with a ``'`` in front when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _unsafe_in_terminal(char: str) -> bool:
    # Cc: C0, DEL and C1 (ESC and CSI start terminal sequences); Cf: zero-width and bidi
    # controls; Zl/Zp: line and paragraph separators.
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    # A surrogate pair, as JSON spells a character beyond the BMP.
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def terminal_text(text: str, *, keep: str = "") -> str:
    """``text`` safe to print: control, format and separator characters become ``\\u001b``.

    The escapes are JSON's, so JSON text stays valid JSON holding the same strings; ``keep``
    names characters left as they are (the newlines and tabs of the program's own layout).
    """
    if text.isprintable():
        return text
    return "".join(
        _escape(char) if char not in keep and _unsafe_in_terminal(char) else char for char in text
    )


def lookup_name(name: str) -> str:
    """An account name as typed, in the form names are stored and compared (NFKC, stripped)."""
    return unicodedata.normalize("NFKC", name).strip()


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ", 1)[0]


def name_problem(name: str) -> str | None:
    """Why ``name`` (already NFKC-normalised) cannot be an account name, or None when it can."""
    if not name or len(name) > MAX_NAME_LENGTH:
        return f"1-{MAX_NAME_LENGTH} characters"
    for char in name:
        if not (char.isprintable() and (char.isalnum() or char in NAME_PUNCTUATION)):
            return f"{_describe(char)} is not allowed"
    scripts = {_script(char) for char in name if char.isalpha()}
    if len(scripts) > 1:
        return f"letters of one script only, not {' and '.join(sorted(scripts))}"
    letters = [char for char in name if char.isalpha()]
    if scripts and scripts != {"LATIN"} and all(char in _LATIN_LOOKALIKES for char in letters):
        return "its letters look like Latin letters"
    return None


def account_name(raw: str) -> str:
    """The account name ``raw`` stands for (NFKC, stripped), or ValueError saying why not."""
    name = lookup_name(raw)
    problem = name_problem(name)
    if problem is not None:
        raise ValueError(
            f"bad account name {name!r}: letters, digits and . _ - only "
            f"(after Unicode NFKC normalisation); {problem}"
        )
    return name
