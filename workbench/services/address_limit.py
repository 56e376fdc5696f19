"""Failed sign-ins limited per client address: past the limit, every attempt fails alike.

An address that made ``address_failures`` failed sign-ins within the window gets the same
"wrong name or password" for every further attempt, right or wrong, until the window passes;
so guessing across many account names from one address is slowed as much as guessing one.
A success does not reset the count: one good account must not buy an attacker more guesses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workbench.config import SessionSettings
from workbench.db import web_sessions
from workbench.db.models import as_utc

MAX_ADDRESS_LENGTH = 64
PRUNE_LIMIT = 100  # addresses whose window passed, forgotten per counted failure
LOCAL = "local"  # what a connection from this machine counts under


def address_key(address: str) -> str:
    """The key failures of ``address`` are counted under (the address, at most 64 characters)."""
    return address.strip()[:MAX_ADDRESS_LENGTH] or LOCAL


def _window_start(settings: SessionSettings, now: datetime) -> datetime:
    return now - timedelta(seconds=settings.address_window_seconds)


def address_blocked(
    session: Session, *, address: str, settings: SessionSettings, now: datetime
) -> bool:
    """True when ``address`` used up its failed sign-ins in the current window."""
    found = web_sessions.failures_from(session, address=address_key(address))
    if found is None or as_utc(found.window_start) < _window_start(settings, now):
        return False
    return found.failures >= settings.address_failures


def count_address_failure(
    session: Session, *, address: str, settings: SessionSettings, now: datetime
) -> int:
    """Count one failed sign-in from ``address``; how many it made in the current window.

    Up to PRUNE_LIMIT other addresses whose window has passed are forgotten on the way.
    """
    start = _window_start(settings, now)
    key = address_key(address)
    web_sessions.delete_stale_failures(session, window_start=start, limit=PRUNE_LIMIT)
    return web_sessions.count_failure(session, address=key, now=now, window_start=start)
