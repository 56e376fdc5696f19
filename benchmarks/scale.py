"""Every page, a label keypress and ingest on a desk's year of work, beside the demo database.

Builds (or takes from db/bench-cache/) a database of WORKBENCH_SCALE_ARTICLES generated
articles (default 10,000; five reviewers label every sentence) and one of the five demo
articles with the same label model, through the public command line (see benchmarks/_build.py),
on each backend of WORKBENCH_SCALE_BACKENDS (default ``sqlite,postgresql``; PostgreSQL on the
server of WORKBENCH_SCALE_POSTGRES_URL). Then, for ROUNDS rounds, serves each database with
``workbench serve`` and opens every page twice in headless Chromium (first open on a freshly
started server, then again), signed in as an editor (an admin for the admin pages), and times a
label keypress on Annotate until the sentence is highlighted. Medians of the rounds.

Targets: every page idle within 1.5 s on the large database, and within 2x the same page on the
demo database; a keypress within 1.5x the demo; ingest throughput of the last 1,000 articles at
least half that of the first 1,000 (as the build measured it, or with
WORKBENCH_SCALE_RETIME_INGEST=1 timed again side by side: a build shares the machine for half
an hour, and its chunk figures move with whatever else runs). Writes
benchmarks/results/scale.json (one entry per backend; a run of one backend keeps the other's)
and prints a markdown table.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import _browser as web
from benchmarks._build import BACKENDS, BuildError, Built, build_demo, build_large, retime_ingest
from benchmarks.common import RESULTS, write_result

ARTICLES_ENV = "WORKBENCH_SCALE_ARTICLES"
BACKENDS_ENV = "WORKBENCH_SCALE_BACKENDS"
RETIME_ENV = "WORKBENCH_SCALE_RETIME_INGEST"  # 1: time the first and last ingest chunk again
ROUNDS = int(os.environ.get("WORKBENCH_SCALE_ROUNDS", "3"))
KEYPRESSES = 5  # per round; the median of the round is kept
PAGE_LIMIT = 1.5
PAGE_RATIO = 2.0
KEY_RATIO = 1.5
INGEST_RATIO = 0.5
DEMO_ARTICLE = "001_905ae90385d1da76"
MAIN_TITLE = '[data-testid="stMain"] h1'


@dataclass(frozen=True)
class PageCase:
    """One page to time: its name, URL path, the marker of a drawn page, who opens it."""

    name: str
    path: str
    ready: str = MAIN_TITLE
    account: str = "editor"


def pages(article: str) -> list[PageCase]:
    """The pages timed, with ``article`` as the one opened in Annotate."""
    return [
        PageCase("Articles", ""),  # the default page lives at /
        PageCase("Annotate", f"annotate?article={article}", ".wb-s"),
        PageCase("Agreement", "agreement"),
        PageCase("Adjudicate", "adjudicate"),
        PageCase("Export (with preview)", "export"),
        PageCase("Label history", "history"),
        PageCase("Users (admin)", "users", account="admin"),
        PageCase("Assignments (admin)", "assign", account="admin"),
        PageCase("Ingest (admin)", "ingest", account="admin"),
    ]


def _articles(raw: str | None) -> int:
    try:
        value = int(raw or "10000")
    except ValueError:
        raise BuildError(f"{ARTICLES_ENV} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise BuildError(f"{ARTICLES_ENV} must be at least 1, not {value}")
    return value


def _backends(raw: str | None) -> list[str]:
    chosen = [part.strip() for part in (raw or ",".join(BACKENDS)).split(",") if part.strip()]
    unknown = [name for name in chosen if name not in BACKENDS]
    if unknown or not chosen:
        raise BuildError(f"{BACKENDS_ENV} takes {' and/or '.join(BACKENDS)}, not {raw!r}")
    return chosen


def _measure(action: Callable[[], float], errors: list[str], what: str) -> float | None:
    """Run one timed step; a step that fails is recorded in ``errors`` and gives None."""
    try:
        return action()
    except web.FAILURES as exc:
        errors.append(f"{what}: {str(exc).splitlines()[0]}")
        return None


def _open_checked(tab: web.Tab, url: str, ready: str, what: str) -> float:
    seconds = tab.open(url, ready)
    tab.check_errors(what)
    return seconds


def _filter(tab: web.Tab, url: str, term: str) -> float:
    """Open the article list, type ``term`` into its filter, press Enter; seconds until idle."""
    tab.open(url, MAIN_TITLE)
    box = tab.page.get_by_placeholder("title, outlet, id or words of the text")
    box.fill(term)
    started = time.perf_counter()
    tab.last_frame = started
    box.press("Enter")
    return tab.wait_idle(started, MAIN_TITLE)


def _keypresses(tab: web.Tab, url: str) -> float:
    """Open the article; the median of KEYPRESSES label keypresses, each until highlighted."""
    tab.open(url, ".wb-s")
    presses = [web.keypress(tab, index)[0] for index in range(KEYPRESSES)]
    tab.check_errors("keypress")
    return statistics.median(presses)


def one_round(browser: Any, db: Built, article: str, term: str, log: Path) -> dict[str, Any]:
    """Serve ``db`` afresh and time every page twice, the filter and the keypresses."""
    times: dict[str, float | None] = {}
    errors: list[str] = []
    with web.serve(db.url, db.key_file, log) as base:
        tabs = {name: web.signed_in(browser, base, name) for name in ("editor", "admin")}
        for case in pages(article):
            tab = tabs[case.account]
            for attempt in ("first", "second"):
                url = f"{base}/{case.path}"
                key = f"{case.name}|{attempt}"
                times[key] = _measure(
                    lambda: _open_checked(tab, url, case.ready, key),  # noqa: B023
                    errors,
                    key,
                )
        editor = tabs["editor"]
        times["Articles, filter typed|-"] = _measure(
            lambda: _filter(editor, f"{base}/", term), errors, "Articles filter"
        )
        times["keypress to highlight|-"] = _measure(
            lambda: _keypresses(editor, f"{base}/annotate?article={article}"), errors, "keypress"
        )
        for tab in tabs.values():
            tab.page.context.close()
    return {"times": times, "errors": errors}


def _median(rounds: list[dict[str, Any]], key: str) -> float | None:
    values = [r["times"].get(key) for r in rounds]
    found = [v for v in values if v is not None]
    return round(statistics.median(found), 3) if len(found) == len(values) else None


def judge(large: dict[str, float | None], demo: dict[str, float | None]) -> list[dict[str, Any]]:
    """One row per measured figure with its targets and whether they were met."""
    rows = []
    for key in sorted(large, key=list(large).index):
        big, small = large[key], demo.get(key)
        ratio = big / small if big is not None and small else None
        if key.startswith("keypress"):
            met = ratio is not None and ratio <= KEY_RATIO
            target = f"<= {KEY_RATIO}x demo"
        else:
            met = big is not None and big <= PAGE_LIMIT
            met = met and ratio is not None and ratio <= PAGE_RATIO
            target = f"<= {PAGE_LIMIT} s and <= {PAGE_RATIO}x demo"
        name, _, attempt = key.partition("|")
        rows.append(
            {
                "figure": name,
                "open": attempt or "-",
                "large_seconds": big,
                "demo_seconds": small,
                "ratio": round(ratio, 2) if ratio is not None else None,
                "target": target,
                "met": met,
            }
        )
    return rows


def ingest_figures(info: dict[str, Any], retimed: dict[str, Any] | None = None) -> dict[str, Any]:
    """Chars/s of the first and last chunk of 1,000 articles and their ratio.

    With ``retimed`` (WORKBENCH_SCALE_RETIME_INGEST=1), the two chunks timed again side by side
    are judged instead, and the build's own chunk figures are kept beside them.
    """
    chunks = info["chunks"]
    first, last = chunks[0]["chars_per_second"], chunks[-1]["chars_per_second"]
    built = {"first": first, "last": last, "ratio": round(last / first, 3)}
    if retimed is not None:
        first = retimed["first"]["chars_per_second"]
        last = retimed["last"]["chars_per_second"]
    ratio = last / first
    return {
        "first_chunk_chars_per_second": first,
        "last_chunk_chars_per_second": last,
        "ratio": round(ratio, 3),
        "target": f"last >= {INGEST_RATIO} x first",
        "met": ratio >= INGEST_RATIO,
        "measured": "re-timed side by side" if retimed is not None else "during the build",
        "during_build": built,
        "retimed": retimed,
        "chunks": chunks,
    }


def run_backend(backend: str, n_articles: int) -> dict[str, Any]:
    """Build both databases of ``backend``, time them ROUNDS times, judge the figures."""
    from playwright.sync_api import sync_playwright

    large_db, demo_db = build_large(backend, n_articles), build_demo(backend)
    rounds: dict[str, list[dict[str, Any]]] = {"large": [], "demo": []}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = web.launch(playwright)
        for number in range(ROUNDS):
            for db, article, term in (
                (large_db, f"bench-{n_articles // 2:06d}", "Riverton"),
                (demo_db, DEMO_ARTICLE, "Bilawal"),
            ):
                log = Path(tmp) / f"{db.name}-{number}.log"
                rounds[db.name].append(one_round(browser, db, article, term, log))
                print(f"  {backend} round {number + 1} {db.name}: done", flush=True)
        browser.close()
    keys = list(rounds["large"][0]["times"])
    medians = {name: {k: _median(rounds[name], k) for k in keys} for name in rounds}
    rows = judge(medians["large"], medians["demo"])
    errors = [e for name in rounds for r in rounds[name] for e in r["errors"]]
    retimed = retime_ingest(large_db) if os.environ.get(RETIME_ENV) else None
    ingest = ingest_figures(large_db.info, retimed)
    return {
        "articles": n_articles,
        "labels": large_db.info["labels"],
        "built_at_schema": large_db.info.get("schema"),
        "upgraded_to": large_db.info.get("upgraded_to"),
        "rounds": ROUNDS,
        "figures": rows,
        "ingest": ingest,
        "errors": errors,
        "met": all(row["met"] for row in rows) and ingest["met"] and not errors,
    }


def table(backend: str, result: dict[str, Any]) -> str:
    """The markdown table of one backend's figures."""

    def cell(value: float | None) -> str:
        return "error" if value is None else f"{value:.2f}"

    lines = [
        f"{backend}, {result['articles']:,} articles, {result['labels']:,} labels "
        f"(median of {result['rounds']} rounds, seconds until idle):",
        "",
        "| page | open | large | demo | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in result["figures"]:
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}x"
        lines.append(
            f"| {row['figure']} | {row['open']} | {cell(row['large_seconds'])} | "
            f"{cell(row['demo_seconds'])} | {ratio} | {row['target']} | "
            f"{'yes' if row['met'] else 'NO'} |"
        )
    ingest = result["ingest"]
    lines.append(
        f"| ingest chars/s, last 1,000 (large) vs first 1,000 (demo column) | - | "
        f"{ingest['last_chunk_chars_per_second']:,.0f} | "
        f"{ingest['first_chunk_chars_per_second']:,.0f} | {ingest['ratio']:.2f}x | "
        f"{ingest['target']} | {'yes' if ingest['met'] else 'NO'} |"
    )
    return "\n".join(lines)


def _previous() -> dict[str, Any]:
    path = RESULTS / "scale.json"
    if not path.exists():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("backends", {}))
    except (ValueError, AttributeError):
        return {}


def main() -> bool:
    """Run every chosen backend; False when a target is missed or a step fails."""
    try:
        n_articles = _articles(os.environ.get(ARTICLES_ENV))
        backends = _backends(os.environ.get(BACKENDS_ENV))
        results = _previous()
        for backend in backends:
            results[backend] = run_backend(backend, n_articles)
            print(table(backend, results[backend]), flush=True)
            for error in results[backend]["errors"]:
                print(f"error: {error}")
            write_result("scale", {"backends": results})
    except (BuildError, web.BrowserError) as exc:
        print(f"error: {exc}")
        return False
    return all(results[backend]["met"] for backend in backends)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
