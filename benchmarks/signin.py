"""Peak memory of 32 concurrent sign-ins with wrong passwords, with and without the check pool.

Each run is a fresh Python process on a temporary SQLite file: one account, then 32 threads
that sign in at once (half with its name, half with unknown names). Peak RSS is the process's
``ru_maxrss``; the run with a pool of 32 is what the app did before the pool of 2.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.common import write_result

ATTEMPTS = 32


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _one_run(pool: int) -> dict[str, float]:
    """Sign in ATTEMPTS times at once in this process; peak RSS before and after, in MiB."""
    from workbench.db.engine import Database
    from workbench.db.migrate import upgrade
    from workbench.errors import AuthenticationError
    from workbench.services import users

    users._checks = threading.BoundedSemaphore(pool)
    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(db.engine)
        with db.write() as session:
            users.create_user(session, name="ana", password="correct horse battery")
        before = _peak_mib()
        start = threading.Barrier(ATTEMPTS)

        def attempt(i: int) -> None:
            start.wait()
            try:
                users.sign_in(db, name="ana" if i % 2 else f"nobody{i}", password=f"guess {i}")
            except AuthenticationError:
                pass

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=ATTEMPTS) as threads:
            list(threads.map(attempt, range(ATTEMPTS)))
        seconds = time.perf_counter() - began
    return {"pool": pool, "before_mib": before, "peak_mib": _peak_mib(), "seconds": seconds}


def main() -> bool:
    """Measure both pool sizes in their own processes; print and store the figures."""
    results = []
    for pool in (2, ATTEMPTS):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.signin", "--run", str(pool)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        results.append(result)
        print(
            f"pool {pool:>2}: {ATTEMPTS} concurrent sign-ins, peak RSS {result['peak_mib']:.0f} MiB"
            f" (before {result['before_mib']:.0f} MiB), {result['seconds']:.2f} s"
        )
    write_result("signin", {"attempts": ATTEMPTS, "runs": results})
    return results[0]["peak_mib"] < results[1]["peak_mib"]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        print(json.dumps(_one_run(int(sys.argv[2]))))
    else:
        sys.exit(0 if main() else 1)
