"""Text the database builds for exports: JSON strings and joined values of a group.

JSON strings are byte-identical to what orjson writes for the same text.

SQLite's ``json_quote`` and PostgreSQL's ``to_json`` escape exactly as orjson does (quote,
backslash, control characters; everything else as UTF-8), so lines assembled from their output
read as ``orjson.dumps`` would write them. The export tests hold both backends to that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


def _written_as(element: type[FunctionElement[str]], *, sqlite: str, postgresql: str) -> None:
    """Register how ``element`` is written on each backend; ``{0}`` stands for its arguments."""

    def compiler_for(template: str) -> Callable[..., str]:
        def write(element: FunctionElement[str], compiler: SQLCompiler, **kw: Any) -> str:
            return template.format(compiler.process(element.clauses, **kw))

        return write

    compiles(element, "sqlite")(compiler_for(sqlite))
    compiles(element, "postgresql")(compiler_for(postgresql))


class json_string(FunctionElement[str]):  # noqa: N801 (a SQL function name)
    """A text value as a JSON string literal (``null`` for NULL), quoted by the database."""

    type = String()
    inherit_cache = True
    name = "json_string"


class joined_text(FunctionElement[str]):  # noqa: N801 (a SQL function name)
    """An aggregate: the group's text values joined by a separator, in no particular order."""

    type = String()
    inherit_cache = True
    name = "joined_text"


# The empty text, which most notes are, is written without calling the quoting function.
_written_as(
    json_string,
    sqlite="""CASE WHEN {0} = '' THEN '""' ELSE json_quote({0}) END""",
    postgresql="""CASE WHEN {0} = '' THEN '""' """
    """ELSE COALESCE(CAST(to_json(CAST({0} AS TEXT)) AS TEXT), 'null') END""",
)
_written_as(joined_text, sqlite="group_concat({})", postgresql="string_agg({})")
