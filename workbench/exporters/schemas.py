"""The JSON Schemas shipped with the package, one per record kind."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_NAMES = (
    "claim",
    "annotation",
    "article",
    "manifest",
    "fever",
    "claimreview",
    "pairs",
    "checkthat",
    "averitec",
)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one record kind (``claim``, ``annotation``, ... ``averitec``)."""
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no schema {name!r}; expected one of {', '.join(SCHEMA_NAMES)}")
    text = resources.files("workbench.exporters").joinpath(f"schemas/{name}.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema
