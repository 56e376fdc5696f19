"""Run every benchmark module in this folder (``make bench``), or the ones named."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
NOT_BENCHMARKS = {"common", "corpus"}  # helpers the benchmarks import


def main(names: list[str]) -> int:
    """Import each benchmark module and call its ``main()``; return a shell status."""
    modules = names or sorted(
        info.name
        for info in pkgutil.iter_modules([str(HERE)])
        if not info.name.startswith("_") and info.name not in NOT_BENCHMARKS
    )
    failed = []
    for name in modules:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        ok = module.main()
        status = "ok" if ok is not False else "TARGET MISSED"
        if ok is False:
            failed.append(name)
        print(f"== {name}: {status} ({time.perf_counter() - started:.1f}s)", flush=True)
    if failed:
        print(f"targets missed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
