"""Chart builders checked through their Vega-Lite specs (``chart.to_dict()``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from workbench.ui.charts import (
    ARTICLE_ROWS,
    agreement_over_time_chart,
    article_alpha_chart,
    confusion_chart,
    kappa_heatmap,
    label_distribution_chart,
)


def _data(spec: dict[str, Any]) -> list[dict[str, Any]]:
    (rows,) = spec["datasets"].values()
    return list(rows)


def test_kappa_heatmap_colours_kappa_on_a_fixed_scale() -> None:
    pairs = pd.DataFrame(
        [
            {"a": "ana", "b": "ben", "kappa": 0.5, "units": 4, "reason": ""},
            {"a": "ben", "b": "ana", "kappa": 0.5, "units": 4, "reason": ""},
            {"a": "ana", "b": "cy", "kappa": None, "units": 0, "reason": "no overlap"},
        ]
    )
    spec = kappa_heatmap(pairs).to_dict()
    rect, text = spec["layer"]
    assert rect["mark"]["type"] == "rect"
    assert rect["encoding"]["color"]["field"] == "kappa"
    assert rect["encoding"]["color"]["scale"]["domain"] == [-1, 1]
    assert (rect["encoding"]["x"]["field"], rect["encoding"]["y"]["field"]) == ("a", "b")
    assert text["encoding"]["text"] == {"field": "kappa", "format": ".2f", "type": "quantitative"}
    rows = _data(spec)
    assert [(r["a"], r["b"], r["kappa"]) for r in rows] == [
        ("ana", "ben", 0.5),
        ("ben", "ana", 0.5),
        ("ana", "cy", None),
    ]
    assert spec["title"] == "Pairwise Cohen's kappa"


def test_article_chart_draws_interval_rules_and_skips_undefined() -> None:
    articles = pd.DataFrame(
        [
            {"article": "a1", "alpha": 0.6, "lo": 0.4, "hi": 0.8, "ac1": 0.9, "units": 30},
            {"article": "a2", "alpha": None, "lo": None, "hi": None, "ac1": 1.0, "units": 1},
            {"article": "a3", "alpha": 0.2, "lo": 0.1, "hi": 0.3, "ac1": 0.3, "units": 9},
        ]
    )
    spec = article_alpha_chart(articles).to_dict()
    rule, point, tick = spec["layer"]
    assert rule["mark"]["type"] == "rule"
    assert (rule["encoding"]["x"]["field"], rule["encoding"]["x2"]["field"]) == ("lo", "hi")
    assert point["encoding"]["x"]["field"] == "alpha"
    assert (tick["mark"]["type"], tick["encoding"]["x"]["field"]) == ("tick", "ac1")
    assert "Gwet's AC1" in [t.get("title") for t in point["encoding"]["tooltip"]]
    assert all(layer["encoding"]["y"]["sort"] == ["a1", "a3"] for layer in spec["layer"])
    assert [r["article"] for r in _data(spec)] == ["a3", "a1"]


def test_article_alpha_chart_caps_rows_at_the_lowest_and_highest() -> None:
    rng = np.random.default_rng(3)
    alphas = rng.uniform(-0.5, 1.0, 10_000)
    articles = pd.DataFrame(
        {
            "article": [f"a{i:05d}" for i in range(10_000)],
            "alpha": alphas,
            "lo": alphas - 0.1,
            "hi": alphas + 0.1,
            "units": 20,
            "reason": "",
        }
    )
    articles.loc[::7, "alpha"] = None  # undefined ones are never drawn
    rows = _data(article_alpha_chart(articles).to_dict())
    assert len(rows) == ARTICLE_ROWS == 30
    defined = articles.dropna(subset=["alpha"]).sort_values("alpha")
    expected = [*defined["article"][:15], *defined["article"][-15:]]
    assert sorted(r["article"] for r in rows) == sorted(expected)
    few = _data(article_alpha_chart(articles.head(33)).to_dict())
    assert len(few) == 28  # 33 articles, 5 of them undefined: all drawn


def test_label_distribution_uses_label_colours_in_label_order() -> None:
    distribution = pd.DataFrame(
        [
            {"reviewer": "ana", "label": "verified", "count": 3},
            {"reviewer": "ana", "label": "not_a_claim", "count": 1},
        ]
    )
    spec = label_distribution_chart(distribution).to_dict()
    colour = spec["encoding"]["color"]
    assert colour["scale"]["domain"] == ["verified", "disputed", "unsourced", "not_a_claim"]
    assert len(colour["scale"]["range"]) == 4
    assert spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["mark"]["type"] == "bar"
    assert sum(r["count"] for r in _data(spec)) == 4


def test_confusion_chart_names_both_reviewers() -> None:
    table = pd.DataFrame(
        [{"a_label": "verified", "b_label": "disputed", "count": 2}],
    )
    spec = confusion_chart(table, "ana", "ben").to_dict()
    rect, text = spec["layer"]
    assert rect["encoding"]["y"]["title"] == "ana's label"
    assert rect["encoding"]["x"]["title"] == "ben's label"
    assert text["encoding"]["text"]["field"] == "count"
    assert spec["title"] == "ana vs ben"


def test_agreement_over_time_folds_both_measures() -> None:
    series = pd.DataFrame(
        [
            {
                "period": datetime(2025, 6, 2, tzinfo=UTC),
                "alpha": 0.4,
                "percent_agreement": 0.7,
                "units": 12,
                "reason": "",
            }
        ]
    )
    spec = agreement_over_time_chart(series).to_dict()
    assert spec["transform"] == [
        {"fold": ["alpha", "percent_agreement"], "as": ["measure", "value"]}
    ]
    assert spec["encoding"]["x"]["field"] == "period"
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert _data(spec)[0]["period"].startswith("2025-06-02")
