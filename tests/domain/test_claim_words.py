"""The word tables file: what it holds, its general and demo parts, clear errors on bad input."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from workbench.domain.claim_facts import extract_facts
from workbench.domain.claim_links import content_tokens
from workbench.domain.claim_words import PARTS, load_claim_words
from workbench.errors import InputError

SHIPPED = resources.files("workbench.domain").joinpath("data/claim_words.toml").read_text("utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "words.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _without_demo(text: str) -> str:
    """The shipped file with every demo part and demo phrase cut out."""
    text = re.sub(r"\[\[phrases\]\]\nfits = \"demo\"\n(?:.+\n)*", "", text)
    text = re.sub(r"^\[\w+\.demo\]\n(?:.+\n)*", "", text, flags=re.M)
    return re.sub(r"^demo = \[.*\]\n", "", text, flags=re.M)


def test_the_shipped_tables_hold_the_demo_corpus_actors_apart_from_the_general_words() -> None:
    data = tomllib.loads(SHIPPED)
    assert data["mediators"]["demo"] == {"trump": "the US", "rubio": "the US", "putin": "Russia"}
    assert data["owners"]["demo"]["paf"] == "Pakistan"
    demo_phrases = [entry["replace"] for entry in data["phrases"] if entry["fits"] == "demo"]
    assert " isi " in demo_phrases and " raw " in demo_phrases and " dgmo " in demo_phrases
    words = load_claim_words()
    assert words.mediators["trump"] == words.mediators["washington"] == "the US"
    assert words.synonyms["said"] == "say" and words.synonyms["pakistani"] == "pakistan"
    assert "the" in words.stopwords and "peoples" in words.role_words
    tables = [table for table in data.values() if isinstance(table, dict)]
    assert all(part in PARTS for table in tables for part in table)


def test_the_linker_and_fact_extractor_apply_the_shipped_words() -> None:
    assert content_tokens("Inter-Services Intelligence chief said") == ("isi",)
    facts = extract_facts("The truce was brokered by Trump and Rubio.")
    assert facts.credited == frozenset({"the US"})
    assert extract_facts("Talks by the DGMO led to it.").credited == {"direct talks"}


def test_a_file_without_the_demo_parts_loads_and_lacks_the_demo_actors(tmp_path: Path) -> None:
    words = load_claim_words(_write(tmp_path, _without_demo(SHIPPED)))
    shipped = load_claim_words()
    assert "trump" not in words.mediators and "paf" not in words.owners
    assert words.mediators["washington"] == "the US"
    assert len(words.phrases) < len(shipped.phrases)
    assert not any("dgs?mo" in pattern for pattern in words.direct_talks_patterns)
    assert set(words.synonyms) < set(shipped.synonyms)
    assert not re.search(r'^demo =|\.demo\]|"demo"', _without_demo(SHIPPED), flags=re.M)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[owners\n", "not valid TOML"),
        (
            SHIPPED.replace("[owners.demo]", "[owners.local]"),
            "[owners] has part 'local'; expected general or demo",
        ),
        (SHIPPED.replace('paf = "Pakistan"', "paf = 3"), "[owners.demo] 'paf' must be a str"),
        (
            SHIPPED.replace('pakistan = ["pakistani"]', 'pakistan = ["said"]'),
            "[synonyms] folds 'said' into both 'say' and 'pakistan'",
        ),
        (SHIPPED.replace('demo = ["peoples"]', 'demo = ["party"]'), "lists 'party' twice"),
        (SHIPPED.replace("'dgs?mo',", "'dgs?(mo',"), "[direct_talks_patterns.demo] pattern"),
        (SHIPPED.replace("replace = ' kill \\1 '", "replace = ' kill \\2 '"), "entry 10 replace"),
        (SHIPPED.replace('fits = "demo"', 'fits = "desk"', 1), "fits 'desk'"),
        (SHIPPED.replace("[mediators.demo]", "[mediator.demo]"), "unknown table [mediator]"),
        (SHIPPED.split("# Who is credited")[0], "table [mediators] is missing"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_claim_words(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))
