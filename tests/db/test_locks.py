"""The SQLite writers' queue: arrival order, re-entrant, released on errors."""

from __future__ import annotations

import threading
import time

import pytest

from workbench.db.locks import FairLock


def _wait_for(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting for the lock queue"
        time.sleep(0.001)


def test_waiters_get_the_lock_in_arrival_order() -> None:
    lock = FairLock()
    order: list[int] = []
    threads = []
    with lock:
        for i in range(8):
            thread = threading.Thread(target=lambda i=i: _take(lock, order, i))
            thread.start()
            threads.append(thread)
            _wait_for(lambda n=i + 1: len(lock._waiters) == n)
    for thread in threads:
        thread.join(timeout=10)
    assert order == list(range(8))


def _take(lock: FairLock, order: list[int], i: int) -> None:
    with lock:
        order.append(i)


def test_reentrant_and_released_after_an_error() -> None:
    lock = FairLock()
    with pytest.raises(RuntimeError), lock, lock:  # the same thread may enter twice
        raise RuntimeError("boom")
    acquired = threading.Event()

    def other() -> None:
        with lock:
            acquired.set()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=10)
    assert acquired.is_set()
