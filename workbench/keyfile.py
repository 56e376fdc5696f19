"""Secret keys kept in a private file (mode 0600), created once on first use."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create(path: Path) -> bytes:
    """The key stored in ``path``; a new random key is written there first when it is missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it a moment ago
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")
