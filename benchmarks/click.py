"""Cost of one label click on an article of 2,000 sentences against one of 50, and opening it.

A click in the annotate view runs the label button's callback (the save, one write
transaction) and then the page's fragment (``workspace``: the reviewer's labels, the text
component's data, the panel) -- not the page. This benchmark runs exactly that, inside a real
Streamlit script run (AppTest), and times it with ``perf_counter`` around the two calls; each
click is one script run. The database is a scratch SQLite file holding both articles.
Target: median click time at 2,000 sentences <= 1.5 x the median at 50 sentences.

Opening an article is a whole page run of the annotate page through the router, timed
around ``AppTest.run``: "cold" after clearing Streamlit's caches (reads and prepares the
article), "warm" when another session has opened it already.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import summary, write_result

SIZES = (50, 2_000)
CLICKS = 120  # per article; the first 50 create labels, the next 50 update them, ...
OPENS = 5
TARGET_RATIO = 1.5
ENTRY = Path(__file__).resolve().parent.parent / "workbench" / "streamlit_app.py"

CLICK_SCRIPT = """
import time
import streamlit as st
from workbench.ui import state
from workbench.ui.components import annotate_callbacks as act
from workbench.ui.components import annotate_state
from workbench.ui.components.article_text import load_article
from workbench.ui.components.workspace import workspace

user = st.session_state["bench_user"]
state.put(state.USER, user)
article = load_article(st.session_state["bench_article"])
step = st.session_state.get("bench_step", 0)
if step == 0:
    annotate_state.load_labels(article.id, user.id)
row = article.sentences[step % 50]
annotate_state.select(article.id, row.index)  # selecting is its own click; not timed here
label = ("verified", "unsourced", "disputed")[(step // 50) % 3]
started = time.perf_counter()
act.on_label(article.id, row.index, row.id, label)  # the button's callback: the save
workspace(article, user)  # the fragment rerun: labels, text component data, panel
elapsed = time.perf_counter() - started
st.session_state["bench_samples"] = st.session_state.get("bench_samples", []) + [elapsed]
st.session_state["bench_step"] = step + 1
"""


def _sentences(count: int) -> str:
    places = ["Lahore", "Delhi", "Washington", "Geneva", "Karachi", "Mumbai", "New York"]
    verbs = ["reported", "confirmed", "denied", "estimated", "disputed"]
    lines = []
    for i in range(count):
        place, verb = places[i % len(places)], verbs[i % len(verbs)]
        lines.append(
            f"Officials in {place} {verb} that {100 + i * 7} people were affected by the "
            f"measures announced in week {i % 52 + 1}, according to statement number {i}."
        )
    # Paragraphs of five sentences, as in a news article.
    paragraphs = [" ".join(lines[i : i + 5]) for i in range(0, count, 5)]
    return "\n\n".join(paragraphs) + "\n"


def _build(folder: Path) -> tuple[str, dict[int, str], Any]:
    """A migrated SQLite file with one reviewer and one article per size."""
    from workbench.db.engine import Database
    from workbench.db.migrate import upgrade
    from workbench.domain.articles import ArticleDraft
    from workbench.domain.labels import Role
    from workbench.services.articles import store_article
    from workbench.services.users import create_user
    from workbench.ui.runtime import SignedIn

    url = f"sqlite:///{folder / 'click.db'}"
    db = Database.from_url(url)
    upgrade(db.engine)
    ids: dict[int, str] = {}
    with db.write() as session:
        user = create_user(session, name="bench", password="correct horse battery")
        signed_in = SignedIn(user.id, user.name, Role.REVIEWER)
        for size in SIZES:
            draft = ArticleDraft(body=_sentences(size), title=f"Bench {size}", id=f"bench-{size}")
            article = store_article(session, draft=draft)
            assert article is not None
            ids[size] = article.id
    db.dispose()
    return url, ids, signed_in


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _clicks(article_id: str, user: Any) -> tuple[list[float], list[float], int]:
    """Per-click fragment times (in-script) and whole-run times (around AppTest.run)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(CLICK_SCRIPT, default_timeout=60)
    at.session_state["bench_user"] = user
    at.session_state["bench_article"] = article_id
    runs: list[float] = []
    for _ in range(CLICKS):
        started = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(at.exception[0].message)
    samples = list(at.session_state["bench_samples"])
    size = len(at.get("bidi_component")[0].proto.bytes)
    # The first clicks warm imports and the article cache; keep the steady state.
    return samples[10:], runs[10:], size


def _opens(article_id: str, user: Any, *, cold: bool) -> list[float]:
    from streamlit.testing.v1 import AppTest

    times = []
    for _ in range(OPENS + 1):
        if cold:
            _clear_caches()
        at = AppTest.from_file(str(ENTRY), default_timeout=60)
        at.session_state["wb_user"] = user
        at.run()
        at.switch_page("ui/pages/annotate.py")
        at.query_params["article"] = article_id
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        if at.exception or at.error:
            raise RuntimeError(str(at.exception or at.error))
    return times[1:]


def main() -> bool:
    """Run the click and open measurements; False when the ratio target is missed."""
    from workbench.config import DATABASE_URL_ENV

    with tempfile.TemporaryDirectory() as tmp:
        url, ids, user = _build(Path(tmp))
        previous = os.environ.get(DATABASE_URL_ENV)
        os.environ[DATABASE_URL_ENV] = url
        try:
            _clear_caches()
            clicks = {size: _clicks(ids[size], user) for size in SIZES}
            cold = _opens(ids[SIZES[-1]], user, cold=True)
            warm = _opens(ids[SIZES[-1]], user, cold=False)
        finally:
            _clear_caches()
            if previous is None:
                os.environ.pop(DATABASE_URL_ENV, None)
            else:
                os.environ[DATABASE_URL_ENV] = previous
    small, large = (statistics.median(clicks[size][0]) for size in SIZES)
    ratio = large / small
    result = {
        "target": f"median click at {SIZES[1]} sentences <= {TARGET_RATIO} x at {SIZES[0]}",
        "ratio": round(ratio, 3),
        "met": ratio <= TARGET_RATIO,
        "click_fragment_seconds": {str(s): summary(clicks[s][0]) for s in SIZES},
        "click_whole_script_run_seconds": {str(s): summary(clicks[s][1]) for s in SIZES},
        "component_payload_bytes": {str(s): clicks[s][2] for s in SIZES},
        "open_2000_cold_seconds": summary(cold),
        "open_2000_warm_seconds": summary(warm),
        "clicks_per_size": CLICKS - 10,
        "database": "sqlite (scratch file)",
    }
    write_result("click", result)
    print(
        f"click median: {small * 1000:.2f} ms at {SIZES[0]} sentences, "
        f"{large * 1000:.2f} ms at {SIZES[1]} (ratio {ratio:.2f}, target <= {TARGET_RATIO}); "
        f"open {SIZES[1]}: cold {statistics.median(cold) * 1000:.0f} ms, "
        f"warm {statistics.median(warm) * 1000:.0f} ms"
    )
    return ratio <= TARGET_RATIO


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
