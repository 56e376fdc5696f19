"""Secret keys kept in a private file (mode 0600), created once, atomically, on first use."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from workbench.errors import InputError

MIN_KEY_CHARS = 32
_NEW_KEY_BYTES = 32  # written as 64 hexadecimal characters


def _create(path: Path) -> None:
    """Put a new key at ``path`` unless one is there: complete file first, then one link."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The key is written and flushed under a temporary name; os.link then gives it its final
    # name only if that name is still free, so no reader ever sees a partly written key and
    # two processes racing here both end up reading the one key that won.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
            handle.write(secrets.token_hex(_NEW_KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it a moment ago
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def read_or_create(path: Path) -> bytes:
    """The key stored in ``path``; a new random key is written there first when it is missing.

    An existing file that is empty or shorter than ``MIN_KEY_CHARS`` is refused
    (InputError), never replaced or used: a short key would let anyone forge what it signs.
    """
    try:
        if not path.exists():
            _create(path)
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot read the key file {path}: {reason}") from exc
    if len(key) < MIN_KEY_CHARS:
        problem = "is empty" if not key else f"is too short ({len(key)} characters)"
        raise InputError(
            f"the key file {path} {problem}; a key needs at least {MIN_KEY_CHARS} characters: "
            "restore the right key, or delete it to have a new one made (sessions signed with "
            "the old key end, pseudonyms change)"
        )
    return key.encode("utf-8")
