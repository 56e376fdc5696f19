"""Counting the rows the database returns, with a hook on every engine's cursor execution.

Each SELECT is run again as ``SELECT COUNT(*) FROM (...)`` on the same connection, so the count
is what the statement returned, whatever the caller then fetched of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

_LOCKING = re.compile(r"\s+FOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE)\b.*$", re.IGNORECASE | re.DOTALL)


@dataclass(eq=False)  # listeners are kept by identity
class RowCounter:
    """Adds up the rows each SELECT returns while ``counting`` is on (statement by statement)."""

    counting: bool = False
    statements: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows returned so far."""
        return sum(n for n, _ in self.statements)

    def __call__(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        """``after_cursor_execute`` hook: run the same query again as a COUNT."""
        if not self.counting or executemany or cursor.description is None:
            return
        if statement.lstrip().split(None, 1)[0].upper() not in ("SELECT", "WITH"):
            self.statements.append((max(cursor.rowcount, 0), statement))  # INSERT ... RETURNING
            return
        counter = conn.connection.dbapi_connection.cursor()
        try:
            counter.execute(
                f"SELECT COUNT(*) FROM ({_LOCKING.sub('', statement)}) AS counted", parameters
            )
            self.statements.append((int(counter.fetchone()[0]), statement))
        finally:
            counter.close()

    def top(self, n: int = 5) -> str:
        """The statements that returned the most rows, for a failure message."""
        worst = sorted(self.statements, key=lambda item: -item[0])[:n]
        return "\n".join(f"{rows:>7} rows: {' '.join(sql.split())[:300]}" for rows, sql in worst)


@contextmanager
def counted_rows(*, counting: bool = True) -> Iterator[RowCounter]:
    """A row counter listening on every engine while the block runs."""
    hook = RowCounter(counting=counting)
    event.listen(Engine, "after_cursor_execute", hook)
    try:
        yield hook
    finally:
        event.remove(Engine, "after_cursor_execute", hook)
