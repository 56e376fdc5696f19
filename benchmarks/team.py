"""Team scale-out: two app servers on one PostgreSQL database, eight reviewers labelling at once.

Builds a fresh PostgreSQL database (server from WORKBENCH_SCALE_POSTGRES_URL) with the five demo
articles and eight reviewer accounts, through the command line; starts two ``workbench serve``
processes on it sharing one session key file; eight browsers (own Chromium each, four per
server) sign in and each presses WORKBENCH_TEAM_CLICKS label keys (default 50) on the first 20
sentences of its article in turn (all 13 of the shortest), every press changing a sentence's
label, all at the same time. Checks: no error on any page, every reviewer's last label of every
sentence is in the database, and the audit table holds exactly one row per save. Reports p50
and p95 keypress-to-highlight time, the labels compared and the audit rows.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks import _browser as web
from benchmarks._build import PASSWORD, SEEDS, BuildError, pg_database, pg_url, run_cli
from benchmarks.common import write_result

CLICKS_ENV = "WORKBENCH_TEAM_CLICKS"
REVIEWERS = tuple(f"reviewer{i}" for i in range(1, 9))
SERVERS = 2
DATABASE = "wb_bench_team"
LABELS = {"v": "verified", "d": "disputed", "u": "unsourced", "n": "not_a_claim"}
ARTICLES = (
    "000_b5ddb462525d61c6",
    "001_905ae90385d1da76",
    "002_106eb614b3e40071",
    "003_12a4aa04524d7b45",
    "004_2be8afc61ee91103",
)
SENTENCES = 20  # each reviewer cycles over the first sentences of one article (or all it has)


def _clicks() -> int:
    raw = os.environ.get(CLICKS_ENV, "50")
    try:
        value = int(raw)
    except ValueError:
        raise BuildError(f"{CLICKS_ENV} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise BuildError(f"{CLICKS_ENV} must be at least 1, not {value}")
    return value


def build(folder: Path) -> str:
    """A fresh database with the demo articles and the eight reviewers; return its URL."""
    pg_database(DATABASE, fresh=True)
    url = pg_url(DATABASE)
    run_cli(url, "init")
    run_cli(url, "ingest", str(SEEDS))
    for name in REVIEWERS:
        run_cli(url, "users", "add", name, "--role", "reviewer", "--password-stdin", stdin=PASSWORD)
    return url


def sentence_counts(url: str) -> dict[str, int]:
    """How many sentences each benchmark article has in the database at ``url``."""
    from sqlalchemy import func, select

    from workbench.db.engine import Database
    from workbench.db.models import Sentence

    db = Database.from_url(url)
    try:
        with db.read() as session:
            counts = dict(
                session.execute(
                    select(Sentence.article_id, func.count())
                    .where(Sentence.article_id.in_(ARTICLES))
                    .group_by(Sentence.article_id)
                ).all()
            )
    finally:
        db.dispose()
    missing = [article for article in ARTICLES if not counts.get(article)]
    if missing:
        raise BuildError(f"the ingested demo has no sentences for {', '.join(missing)}")
    return counts


def assignments(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(reviewer, article, sentences it cycles over) for each reviewer, from the sentence counts.

    A reviewer never waits for a sentence its article does not have: the shortest demo article
    has 13 sentences, fewer than ``SENTENCES``.
    """
    plan = []
    for i, name in enumerate(REVIEWERS):
        article = ARTICLES[i % len(ARTICLES)]
        plan.append((name, article, min(SENTENCES, counts[article])))
    return plan


def reviewer(
    base: str, name: str, article: str, clicks: int, start: Any, out: dict[str, Any], cycle: int
) -> None:
    """One reviewer's browser: sign in, open ``article``, press ``clicks`` label keys.

    The keys go to sentences 0, 1, ... ``cycle - 1`` in turn, then round again.
    """
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    pressed: dict[int, str] = {}
    errors: list[str] = []
    details = ""
    with sync_playwright() as playwright:
        browser = web.launch(playwright)
        tab: web.Tab | None = None
        step = "sign in"
        try:
            # eight browsers start at once on a small machine: actions wait as long as pages
            tab = web.signed_in(browser, base, name, web.page_timeout() * 1000)
            step = "open the article"
            tab.open(f"{base}/annotate?article={article}", ".wb-s")
            step = "wait for the others"
            start.wait()
            for click in range(clicks):
                step = f"click {click + 1}"
                index = click % cycle
                highlighted, _idle, code = web.keypress(tab, index)
                times.append(highlighted)
                pressed[index] = LABELS[code]
                tab.check_errors(f"{name} click {click + 1}")
        except (*web.FAILURES, threading.BrokenBarrierError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            errors.append(f"{name} ({step}): {first}")
            details = f"{exc}\n{tab.describe() if tab else ''}"
            start.abort()
        finally:
            browser.close()
    out[name] = {
        "times": times,
        "pressed": pressed,
        "errors": errors,
        "details": details,
        "article": article,
    }


def check_database(url: str, results: dict[str, Any]) -> tuple[list[str], dict[str, int]]:
    """Problems found (a pressed label missing from the database, audit rows unlike saves) and
    the figures checked: labels compared, audit rows."""
    from sqlalchemy import func, select

    from workbench.db.engine import Database
    from workbench.db.models import Annotation, AuditEntry, Sentence, User

    problems = []
    compared = 0
    db = Database.from_url(url)
    try:
        with db.read() as session:
            ids = dict(session.execute(select(User.name, User.id)).tuples().all())
            for name, result in results.items():
                stored = dict(
                    session.execute(
                        select(Sentence.index, Annotation.label)
                        .join(Annotation, Annotation.sentence_id == Sentence.id)
                        .where(Annotation.user_id == ids[name])
                        .where(Sentence.article_id == result["article"])
                    )
                    .tuples()
                    .all()
                )
                compared += len(result["pressed"])
                if stored != result["pressed"]:
                    problems.append(f"{name}: database has {stored}, pressed {result['pressed']}")
            audit = session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.actor_id.in_([ids[n] for n in results]))
            )
    finally:
        db.dispose()
    saves = sum(len(result["times"]) for result in results.values())
    if audit != saves:
        problems.append(f"audit rows {audit} != saves {saves}")
    return problems, {"labels_checked": compared, "audit_rows": int(audit or 0)}


def main() -> bool:
    """Run the team benchmark; False when a check fails or a step breaks."""
    try:
        clicks = _clicks()
        with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
            folder = Path(tmp)
            url = build(folder)
            counts = sentence_counts(url)
            key_file = folder / "session.key"  # both servers sign and check cookies with it
            bases = [
                stack.enter_context(web.serve(url, key_file, folder / f"server{i}.log"))
                for i in range(SERVERS)
            ]
            start = threading.Barrier(len(REVIEWERS), timeout=web.page_timeout())
            results: dict[str, Any] = {}
            threads = [
                threading.Thread(
                    target=reviewer,
                    args=(bases[i % SERVERS], name, article, clicks, start, results, cycle),
                )
                for i, (name, article, cycle) in enumerate(assignments(counts))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            errors = [e for result in results.values() for e in result["errors"]]
            if errors:  # what the failing pages showed, and what the servers logged
                for name, result in results.items():
                    if result["details"]:
                        print(f"--- {name}\n{result['details']}")
                for i in range(SERVERS):
                    log = (folder / f"server{i}.log").read_text(errors="replace")
                    print(f"--- server{i}.log (last 4000 characters)\n{log[-4000:]}")
        problems, checked = (errors, {}) if errors else check_database(url, results)
    except (BuildError, *web.FAILURES) as exc:
        print(f"error: {exc}")
        return False
    samples = sorted(t for result in results.values() for t in result["times"])
    p50 = statistics.median(samples) if samples else None
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))] if samples else None
    record = {
        "servers": SERVERS,
        "reviewers": len(REVIEWERS),
        "clicks_per_reviewer": clicks,
        "saves": len(samples),
        "keypress_to_highlight_p50_seconds": None if p50 is None else round(p50, 3),
        "keypress_to_highlight_p95_seconds": None if p95 is None else round(p95, 3),
        **checked,
        "problems": problems,
        "met": not problems,
        "database": "postgresql",
    }
    write_result("team", record)
    print(
        f"{SERVERS} servers, {len(REVIEWERS)} reviewers x {clicks} clicks = {len(samples)} saves; "
        f"keypress to highlight p50 {p50 or 0:.3f} s, p95 {p95 or 0:.3f} s"
    )
    if checked:
        print(
            f"{checked['labels_checked']} reviewer/sentence labels compared with the database, "
            f"{checked['audit_rows']} audit rows"
        )
    for problem in problems:
        print(f"problem: {problem}")
    return not problems


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
