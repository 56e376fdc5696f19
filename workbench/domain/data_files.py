"""The word tables the domain ships as TOML under ``workbench/domain/data/``, read one way."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from workbench.errors import InputError


def read_toml(packaged: str, path: Path | None = None) -> tuple[dict[str, Any], str]:
    """The tables of ``path`` (default: ``packaged``, relative to this package) and its name.

    Bad TOML is an InputError naming the file; the name is returned for the caller's own
    checks of the tables.
    """
    if path is None:
        source = f"workbench/domain/{packaged}"
        text = resources.files("workbench.domain").joinpath(packaged).read_text("utf-8")
    else:
        source = str(path)
        text = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), source
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=source) from None
