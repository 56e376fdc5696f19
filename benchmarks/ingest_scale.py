"""Ingest that scales: throughput of the last chunk of a large corpus against the first.

A synthetic corpus of ARTICLES similar news-like articles (20-25 sentences each, drawn from
the same story templates with varying actors, places, figures and dates, so many sentences
of different articles report nearly the same claim) is written as JSONL files of CHUNK
articles and ingested one file at a time through the command line (``workbench ingest`` in
a subprocess, as a desk would), into a fresh database. Each chunk's characters per second
(wall clock, and per CPU second of the subprocess) is reported; the target is that the last
chunk keeps at least half the throughput of the first. Links stored, the most links of any
one sentence (the cap) and the database size are reported too.

Environment: WORKBENCH_BENCH_SCALE_ARTICLES (default 2,000), WORKBENCH_BENCH_SCALE_CHUNK
(default 1,000), WORKBENCH_BENCH_SCALE_DB (a database URL; default a fresh SQLite file; for
PostgreSQL give the URL of an empty database, e.g. ``.../wb_bench_ingest``).
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import write_result

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.5
SEED = 13

_SYLLABLES = "ka lo mi ra ten vor shi dan pel ur zan bek tor lin mas ova ri hal gun sef".split()
_TEMPLATES = (
    "{person}, the {role} of {country}, said on {date} that {n} people were killed in {city}.",
    "Officials in {city} confirmed that {n} soldiers died after an attack near the border.",
    "The ceasefire between {country} and {country2} took effect on {date}, {person} said.",
    "According to {org}, at least {n} drones were shot down over {city} overnight.",
    "{person} told reporters that talks with {country2} would resume in {city} next week.",
    "The {org} estimated damage in {city} at {n} million dollars after the strikes.",
    "Residents of {city} said the shelling lasted {n} hours before the army responded.",
    "{country} accused {country2} of violating the agreement signed on {date}.",
    "The foreign ministry of {country} summoned the envoy of {country2} on {date}.",
    "{org} reported that {n} families had fled {city} since the fighting began.",
    "{person} urged both sides to respect the truce and return to dialogue.",
    "Markets in {country} fell {n} percent after the announcement by {person}.",
    "A spokesperson for {org} said aid convoys reached {city} with {n} tonnes of food.",
    "The army of {country} said it had destroyed {n} launch sites near {city}.",
    "Hospitals in {city} treated {n} wounded civilians, the health ministry said.",
    "{person} said the United States had helped broker the deal with {country2}.",
    "Flights to {city} were suspended for {n} days, the aviation authority announced.",
    "The parliament of {country} held an emergency session on {date} to discuss the crisis.",
    "Analysts at {org} warned that the conflict could spread beyond {city}.",
    "{person} visited {city} on {date} and promised {n} new shelters for displaced people.",
    "Schools in {city} will reopen after {n} weeks, local authorities said.",
    "The United Nations called for an independent inquiry into the attack on {city}.",
    "Police in {city} arrested {n} suspects linked to the bombing, {person} said.",
    "{country2} denied any role in the attack and called the accusations baseless.",
    "Satellite images published by {org} show {n} damaged buildings in {city}.",
    "Opinion: this crisis shows how fragile peace in the region has always been.",
    "Subscribe to our newsletter for the latest updates.",
)


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).title()


def _pools(rng: random.Random) -> dict[str, list[str]]:
    return {
        "person": [f"{_name(rng, 2)} {_name(rng, 3)}" for _ in range(400)],
        "city": [_name(rng, 3) for _ in range(600)],
        "country": [_name(rng, 2) + "ia" for _ in range(40)],
        "org": [f"the {_name(rng, 2)} Institute" for _ in range(120)],
        "role": ["president", "defence minister", "army chief", "prime minister"],
    }


_MONTHS = "January February March April May June July August September October".split()


def article(rng: random.Random, pools: dict[str, list[str]], number: int) -> dict[str, str]:
    """One synthetic news-like article record (``id``, ``title``, ``body``, ``outlet``)."""
    country, country2 = rng.sample(pools["country"], 2)
    city = rng.choice(pools["city"])
    sentences = []
    for template in rng.sample(_TEMPLATES, rng.randint(20, 25)):
        values = {
            "person": rng.choice(pools["person"]),
            "role": rng.choice(pools["role"]),
            "country": country,
            "country2": country2,
            "city": city if rng.random() < 0.6 else rng.choice(pools["city"]),
            "org": rng.choice(pools["org"]),
            "n": str(rng.choice([rng.randint(2, 40), rng.randint(41, 2000)])),
            "date": f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}",
        }
        text = template.format(**values)
        sentences.append(text[0].upper() + text[1:])
    return {
        "id": f"scale_{number:06d}",
        "title": f"Fighting near {city} as {country} and {country2} trade accusations",
        "body": " ".join(sentences),
        "outlet": rng.choice(["Daily Wire Service", "The Observer", "Evening Post", "Herald"]),
    }


def _workbench() -> list[str]:
    return [sys.executable, "-c", "from workbench.cli import main; main()"]


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one CLI command; its wall-clock and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*_workbench(), *args], check=True, env=env, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _stored(url: str) -> dict[str, Any]:
    from sqlalchemy import func, select, text, union_all

    from workbench.db.engine import Database
    from workbench.db.models import ClaimLink, Sentence

    db = Database.from_url(url)
    with db.read() as session:
        ends = union_all(
            select(ClaimLink.a_sentence_id.label("s")), select(ClaimLink.b_sentence_id.label("s"))
        ).subquery()
        per_sentence = select(func.count().label("n")).select_from(ends).group_by(ends.c.s)
        most = session.scalar(select(func.max(per_sentence.subquery().c.n)))
        figures = {
            "links": session.scalar(select(func.count(ClaimLink.id))),
            "sentences": session.scalar(select(func.count(Sentence.id))),
            "most_links_of_one_sentence": most or 0,
        }
        if db.engine.dialect.name == "postgresql":
            size = session.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            path = Path(str(db.engine.url.database))
            size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    db.dispose()
    return {**figures, "db_megabytes": round(int(size or 0) / 1e6, 1)}


def main() -> bool:
    """Ingest the synthetic corpus chunk by chunk; False when the last chunk is under half."""
    total = int(os.environ.get("WORKBENCH_BENCH_SCALE_ARTICLES", "2000"))
    chunk = int(os.environ.get("WORKBENCH_BENCH_SCALE_CHUNK", "1000"))
    rng = random.Random(SEED)
    pools = _pools(rng)
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("WORKBENCH_BENCH_SCALE_DB") or f"sqlite:///{folder}/scale.db"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATABASE_URL": url}
        _run(["init"], env)
        chunks = []
        for start in range(0, total, chunk):
            records = [article(rng, pools, n) for n in range(start, min(start + chunk, total))]
            path = Path(folder) / f"chunk_{start:06d}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            chars = sum(len(r["body"]) for r in records)
            wall, cpu = _run(["ingest", str(path)], env)
            chunks.append(
                {
                    "articles": len(records),
                    "chars": chars,
                    "seconds": round(wall, 2),
                    "cpu_seconds": round(cpu, 2),
                    "chars_per_second": round(chars / wall),
                    "chars_per_cpu_second": round(chars / cpu) if cpu else None,
                }
            )
            print(f"articles {start + len(records):>6}: {chars / wall:>9,.0f} chars/s", flush=True)
        stored = _stored(url)
    first, last = chunks[0], chunks[-1]
    ratio = last["chars_per_second"] / first["chars_per_second"]
    cpu_ratio = (
        last["chars_per_cpu_second"] / first["chars_per_cpu_second"]
        if last["chars_per_cpu_second"] and first["chars_per_cpu_second"]
        else None
    )
    met = len(chunks) < 2 or ratio >= TARGET_RATIO
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    result = {
        "backend": backend,
        "articles": total,
        "chunk": chunk,
        "chunks": chunks,
        "median_chars_per_second": statistics.median(c["chars_per_second"] for c in chunks),
        "last_over_first": round(ratio, 3),
        "last_over_first_cpu": round(cpu_ratio, 3) if cpu_ratio else None,
        **stored,
        "target": f"last chunk's chars/s at least {TARGET_RATIO} of the first's",
        "met": met,
    }
    write_result("ingest_scale" if backend == "sqlite" else "ingest_scale_postgresql", result)
    print(
        f"last/first {ratio:.2f} (cpu {result['last_over_first_cpu']}); {stored['links']} links, "
        f"at most {stored['most_links_of_one_sentence']} per sentence, "
        f"{stored['db_megabytes']} MB"
    )
    return met


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
