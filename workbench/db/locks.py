"""A first-come, first-served lock for queueing one process's SQLite writers."""

from __future__ import annotations

import threading
from collections import deque
from types import TracebackType


class FairLock:
    """Re-entrant lock handed to waiters in arrival order.

    A plain lock lets the thread that just released it take it again at once, so under a
    steady stream of saves some writers wait for seconds; here each waiter gets its turn.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[tuple[int, threading.Lock]] = deque()
        self._owner: int | None = None
        self._depth = 0

    def __enter__(self) -> FairLock:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return self
            if self._owner is None:
                self._owner, self._depth = me, 1
                return self
            gate = threading.Lock()
            gate.acquire()
            self._waiters.append((me, gate))
        gate.acquire()  # released by the previous owner once it has made us the owner
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            if not self._waiters:
                self._owner = None
                return
            self._owner, gate = self._waiters.popleft()
            self._depth = 1
        gate.release()
