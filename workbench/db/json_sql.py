"""Text the database builds for exports: JSON strings and joined values of a group.

JSON strings are byte-identical to what orjson writes for the same text.

SQLite's ``json_quote`` and PostgreSQL's ``to_json`` escape exactly as orjson does (quote,
backslash, control characters; everything else as UTF-8), so lines assembled from their output
read as ``orjson.dumps`` would write them. The export tests hold both backends to that.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class json_string(FunctionElement[str]):  # noqa: N801 (a SQL function name)
    """A text value as a JSON string literal (``null`` for NULL), quoted by the database."""

    type = String()
    inherit_cache = True
    name = "json_string"


@compiles(json_string, "sqlite")
def _sqlite_json_string(element: json_string, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_quote({compiler.process(element.clauses, **kw)})"


@compiles(json_string, "postgresql")
def _postgresql_json_string(element: json_string, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"COALESCE(CAST(to_json(CAST({value} AS TEXT)) AS TEXT), 'null')"


class joined_text(FunctionElement[str]):  # noqa: N801 (a SQL function name)
    """An aggregate: the group's text values joined by a separator, in no particular order."""

    type = String()
    inherit_cache = True
    name = "joined_text"


@compiles(joined_text, "sqlite")
def _sqlite_joined_text(element: joined_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)})"


@compiles(joined_text, "postgresql")
def _postgresql_joined_text(element: joined_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)})"
