"""The check-worthiness model as plain data: rebuilt from JSON, it scores as the fitted one."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import numpy as np
import orjson
import pytest

from workbench.domain.checkworthiness import score_sentence
from workbench.domain.checkworthiness_model import (
    MODEL_FORMAT,
    dump_model,
    fit_pipeline,
    load_model,
    plain_scorer,
    predict_scores,
    train_scorer,
)
from workbench.domain.segment import split_sentences
from workbench.errors import InputError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed_sentences() -> list[str]:
    return [
        span.text
        for path in sorted(SEEDS.glob("*.txt"))
        for span in split_sentences(path.read_text(encoding="utf-8"))
    ]


def test_rebuilt_model_gives_the_fitted_pipelines_scores_exactly() -> None:
    texts = _seed_sentences()
    coin = random.Random(3)
    labels = [
        score_sentence(t).score >= 0.5 if coin.random() > 0.2 else coin.random() < 0.5
        for t in texts
    ]
    fitted = fit_pipeline(texts, labels)
    payload = dump_model(plain_scorer(fitted))
    assert payload.startswith(b'{"format":"' + MODEL_FORMAT.encode() + b'"')
    rebuilt = load_model(payload)
    probe = [*texts, "Officials said 40 people were killed on May 2.", "Peace could be a sign!"]
    expected = fitted.predict_proba(probe)[:, 1]
    assert np.array_equal(rebuilt.probabilities(probe), expected)
    assert predict_scores(rebuilt, probe) == [round(float(p), 4) for p in expected]


def test_train_scorer_keeps_only_plain_numbers() -> None:
    texts = _seed_sentences()[:60]
    labels = [score_sentence(t).score >= 0.5 for t in texts]
    trained = train_scorer(texts, labels)
    document = orjson.loads(dump_model(trained.model))
    assert set(document) == {"format", "words", "chars", "cues", "intercept"}
    assert len(document["words"]["terms"]) == len(document["words"]["idf"])
    assert predict_scores(load_model(dump_model(trained.model)), texts) == predict_scores(
        trained.model, texts
    )


def _document() -> dict[str, object]:
    texts = _seed_sentences()[:60]
    labels = [score_sentence(t).score >= 0.5 for t in texts]
    parsed: dict[str, object] = orjson.loads(dump_model(plain_scorer(fit_pipeline(texts, labels))))
    return parsed


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(format="joblib"), "it is not a workbench.checkworthiness/1 document"),
        (lambda d: d["words"]["idf"].pop(), "words idf has"),
        (lambda d: d["chars"]["coef"].__setitem__(0, "1"), "chars coef is not a list of finite"),
        (lambda d: d["words"]["settings"].update(analyzer="callable"), "settings are not ones"),
        (lambda d: d["words"]["settings"].update(preprocessor="x"), "settings must have exactly"),
        (lambda d: d["cues"]["names"].reverse(), "its cue names are not this version's"),
        (lambda d: d.update(intercept=None), "its intercept is not a number"),
        (lambda d: d["words"]["terms"].__setitem__(1, d["words"]["terms"][0]), "terms repeat"),
    ],
)
def test_a_document_other_than_dump_models_is_refused(change: object, reason: str) -> None:
    document = _document()
    change(document)  # type: ignore[operator]
    with pytest.raises(InputError, match="is refused and was not loaded") as refused:
        load_model(orjson.dumps(document), name="model 7")
    assert str(refused.value).startswith("model 7 is refused") and reason in str(refused.value)


def test_a_pickle_is_refused_unread(tmp_path: Path) -> None:
    class CreatesFile:
        def __reduce__(self) -> tuple[object, tuple[str, str]]:
            return (open, (str(tmp_path / "pwned"), "w"))

    for payload in (pickle.dumps(CreatesFile()), pickle.dumps(CreatesFile(), protocol=0)):
        with pytest.raises(InputError, match="is refused and was not loaded: it is"):
            load_model(payload)
    assert not (tmp_path / "pwned").exists()
