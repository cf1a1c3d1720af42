"""Attention beside attribution, measured (evaluate.attribution_agreement): argmax agreement, Spearman's ρ, field
attribution, per-head agreement; the card's section, the Compare page's columns and `card --attribution`."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import ROOT, random_transformer, random_translator

from attention_core.card import agreement_reading, agreement_section, write_card
from attention_core.data.dates import DateExample
from attention_core.evaluate import ATTRIBUTION_SAMPLE, agreement_figures, attribution_agreement, spearman
from attention_core.index import write_index
from attention_core.trace import IG_BASELINES, Attribution, StepTrace, Trace

# Five steps over N = 3 tokens, with known answers: argmax α vs argmax |attribution|, and Spearman's ρ of α, |R|.
ALPHAS = [[0.1, 0.2, 0.7], [0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.5, 0.3, 0.2], [0.6, 0.3, 0.1]]
VALUES = [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [-0.1, 3.0, 0.2], [1.0, 1.0, 1.0], [-5.0, 1.0, 2.0]]
# step 1: same argmax, ρ = 1; step 2: argmax 0 vs 2, ρ = −1; step 3: |−0.1| ranks lowest, ρ = 1; step 4: |R| constant
# (argmax 0 = α's; ρ undefined, left out); step 5: only |−5| makes the argmaxes agree, ranks (3,2,1) vs (3,1,2): ρ = ½
HITS, RHOS = [1, 0, 1, 1, 1], [1.0, -1.0, 1.0, 0.5]


def hand_trace(alphas, values, gaps=None, tokens=None) -> Trace:
    """A trace built by hand: α_t and attribution_t given; logprob − baseline_logprob = Σ values · (1 + gap_t)."""
    alphas, values = np.asarray(alphas, dtype=float), np.asarray(values, dtype=float)
    T, N = alphas.shape
    gaps = gaps or [0.0] * T
    steps = [StepTrace(t=t + 1, input_token="<s>", query="s_t", s=np.zeros(1), e=None, alpha=alphas[t], a=None,
                       concat=None, s_tilde=None, token="x", prob=0.5, top_k=[],
                       attribution=Attribution(method="integrated_gradients", baseline="zeros", values=values[t],
                                               logprob=-1.0, baseline_logprob=-1.0 - values[t].sum() * (1 + gaps[t]),
                                               n_steps=64))
             for t in range(T)]
    return Trace(model="hand", score="dot", decoder="luong", source="", source_tokens=tokens or ["a"] * N,
                 target_tokens=["x"] * T, encoder_states=np.zeros((N, 1)), steps=steps)


def test_spearman_is_the_correlation_of_average_ranks():
    assert spearman(np.array([0.1, 0.2, 0.7]), np.array([1.0, 2.0, 3.0])) == pytest.approx(1.0)
    assert spearman(np.array([3.0, 2.0, 1.0]), np.array([3.0, 1.0, 2.0])) == pytest.approx(0.5)
    # ties share their mean rank: ranks (1.5, 1.5, 3) against (1, 2, 3) → ρ = √3/2
    assert spearman(np.array([1.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0])) == pytest.approx(np.sqrt(3) / 2)
    assert spearman(np.array([1.0, 1.0]), np.array([1.0, 2.0])) is None  # constant: undefined
    assert spearman(np.array([1.0]), np.array([2.0])) is None  # N < 2


def test_agreement_of_hand_built_traces_has_the_known_answers():
    traces = [hand_trace(ALPHAS[:2], VALUES[:2]), hand_trace(ALPHAS[2:], VALUES[2:], gaps=[0.0, 0.2, 0.0])]
    out = agreement_figures(traces, [None, None], task="en-es")
    assert (out["examples"], out["steps"]) == (2, 5)
    assert out["argmax_agreement"] == pytest.approx(np.mean(HITS))  # 4/5: |attribution|, not attribution
    assert out["rank_correlation"] == pytest.approx(np.mean(RHOS))  # (1 − 1 + 1 + ½) / 4 = 0.375, step 4 left out
    assert out["rank_steps"] == 4
    assert out["completeness_within"] == pytest.approx(4 / 5)  # step 4 misses completeness by 20%
    assert out["completeness_gap"] == pytest.approx(0.2 / 1.2)
    assert "heads" not in out and "field_attribution" not in out


def test_field_attribution_is_field_looks_on_the_attribution_matrix():
    source = "24.11.2026"
    example = DateExample(source, "2026-11-24", {"day": (0, 2), "month": (3, 5), "year": (6, 10)}, "x", "x")
    at = [6, 7, 8, 9, 5, 3, 4, 5, 0, 1, 2]  # output position j of "2026-11-24</s>" looks at source position at[j]
    alphas = np.eye(len(source))[at] * 0.9 + 0.01
    values = -np.eye(len(source))[at] * 2.0  # negative: its size counts
    values[9, 0], values[9, 8] = 0.0, 3.0  # the last day digit's largest |attribution| on the year (position 9)
    trace = hand_trace(alphas, values, tokens=list(source))
    out = agreement_figures([trace], [example], task="dates")
    assert out["field_attention"] == 1.0
    assert out["field_attribution"] == pytest.approx(7 / 8)
    assert out["argmax_agreement"] == pytest.approx(10 / 11)


def test_a_transformers_heads_agree_as_their_own_argmaxes_say():
    model = random_transformer()
    examples = [DateExample(text, "", {}, "x", "x") for text in ("12 3 4", "a-b,c.d", "99 88")]
    out = attribution_agreement(model, examples, task="en-es", sample=2)
    assert out["examples"] == 2 and out["completeness_within"] == 1.0 and out["completeness_gap"] <= 0.05
    traces = [model.trace(ex.source, attribution=True) for ex in examples[:2]]
    R = [np.abs(np.stack([s.attribution.values for s in t.steps])) for t in traces]
    every = [t.cross_attention(0) for t in traces]  # (L, h, T, N)
    for ell in range(2):
        for j in range(2):
            hits = np.concatenate([a[ell, j].argmax(1) == r.argmax(1) for a, r in zip(every, R)])
            assert out["heads"]["layers"][ell][j] == pytest.approx(hits.mean())
        hits = np.concatenate([a[ell].mean(0).argmax(1) == r.argmax(1) for a, r in zip(every, R)])
        assert out["heads"]["mean"][ell] == pytest.approx(hits.mean())
    assert out["seconds_attribution"] > 0 and out["seconds_trace"] > 0


def test_a_model_without_attention_gets_attribution_figures_only():
    model = random_translator("none")
    example = DateExample("12 3 4", "", {"year": (0, 2), "month": (3, 4), "day": (5, 6)}, "x", "x")
    out = attribution_agreement(model, [example], task="dates")
    assert "argmax_agreement" not in out and "rank_correlation" not in out and "field_attention" not in out
    assert 0.0 <= out["field_attribution"] <= 1.0
    reading = agreement_reading(out)
    assert reading.startswith("Without attention there is no α") and "right field" in reading


def test_the_card_section_gives_the_figures_and_one_reading():
    model = random_translator()
    trace = hand_trace(ALPHAS, VALUES)
    agreement = {"method": "integrated_gradients", **agreement_figures([trace], [None], task="en-es"),
                 "seconds_attribution": 1.5, "seconds_trace": 0.004}
    section = agreement_section(model, {"attribution_agreement": agreement})
    assert section.startswith("## Attention beside attribution")
    assert "| 80.00% |" in section and "| 0.375 |" in section and "1.50 / 0.0040" in section
    assert "agree on most of the steps (80.00%), with a mean rank correlation of 0.38" in section
    few = agreement_reading({**agreement, "argmax_agreement": 0.2, "field_attribution": 0.7, "field_attention": 0.9})
    assert "agree on few of the steps" in few and "less often than α's argmax (70.00% against 90.00%" in few
    assert "## Attention beside attribution" in write_card(model, {"attribution_agreement": agreement})
    assert "Attention beside attribution" not in write_card(model, {})  # not measured: no section


def test_card_attribution_measures_and_rewrites_the_card(tmp_path, capsys):
    from attention_core.cli import main

    folder = tmp_path / "dates-noattn"
    shutil.copytree(ROOT / "pretrained" / "dates-noattn", folder)
    before = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    before.pop("attribution_agreement", None)
    (folder / "metrics.json").write_text(json.dumps(before), encoding="utf-8")
    assert main(["card", "--model", str(folder), "--attribution"]) == 0
    after = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    agreement = after.pop("attribution_agreement")
    assert after == before  # the other figures kept
    assert agreement["examples"] == ATTRIBUTION_SAMPLE  # the first K test dates
    assert "field_attribution" in agreement and "argmax_agreement" not in agreement
    card = (folder / "card.md").read_text(encoding="utf-8")
    assert "## Attention beside attribution" in card and "no attention: no α" in card
    assert "card.md" in capsys.readouterr().out
    # measured from blank text (a character vocabulary), and the card and the index say so
    assert agreement["baseline"] == IG_BASELINES["blank"] and "from the baseline x′ = blank text" in card
    write_index(tmp_path)
    (row,) = [line for line in (tmp_path / "README.md").read_text(encoding="utf-8").splitlines()
              if line.startswith("| dates-noattn |")]
    assert row.endswith("| blank text |")
    del agreement["baseline"]  # measured before 2026-12-03: from zeros
    assert "from the baseline x′ = zeros" in agreement_section(random_translator(),
                                                              {"attribution_agreement": agreement})


def test_compare_shows_the_cards_agreement_beside_the_spread_columns():
    from apptest_utils import app

    at = app(model="dates-dot", text="Tuesday, November 24, 2026")
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("model")
    columns = ["α = attribution", "rank corr. ρ", "field attribution"]
    assert list(table.columns[-6:]) == ["one-hot steps", "entropy H(α)", "field attention", *columns]
    measured = 0
    for name in table.index:
        metrics = json.loads((ROOT / "pretrained" / name / "metrics.json").read_text(encoding="utf-8"))
        agreement, row = metrics.get("attribution_agreement") or {}, table.loc[name]
        for column, key in zip(columns, ("argmax_agreement", "rank_correlation", "field_attribution")):
            if agreement.get(key) is None:  # not measured, or no α to agree with: nothing made up
                assert np.isnan(row[column]), (name, column)
            else:
                assert row[column] == pytest.approx(agreement[key], abs=1e-12), (name, column)
                measured += 1
    assert measured  # the shipped dates models have been measured
    assert np.isnan(table.loc["dates-noattn", "α = attribution"])


def test_the_index_sets_the_baselines_finding_under_the_agreement_table(tmp_path):
    """pretrained/README.md is written by write_index: the measured baselines note (scripts/, from `python -m
    bench baselines`) follows the agreement table, and is left out with the table when nothing was measured."""
    from attention_core.index import BASELINES, write_index

    folder = tmp_path / "dates-dot"
    shutil.copytree(ROOT / "pretrained" / "dates-dot", folder)
    write_index(tmp_path)
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    note = BASELINES.read_text(encoding="utf-8").strip()
    assert text.index("## Attention beside attribution") < text.index(note)
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    metrics.pop("attribution_agreement")
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    write_index(tmp_path)
    assert note not in (tmp_path / "README.md").read_text(encoding="utf-8")
