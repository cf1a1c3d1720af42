"""The dates generator: correct targets, exact field spans, held-out test dates, determinism."""

from __future__ import annotations

import datetime as dt

from attention_core.data.dates import LOCALES, make_splits, patterns, render
from attention_core.tokenizers import normalize


def test_every_pattern_renders_with_exact_spans():
    date = dt.date(2026, 11, 24)
    seen_locales = set()
    for locale, pattern in patterns():
        ex = render(date, locale, pattern)
        seen_locales.add(locale)
        assert ex.target == "2026-11-24" and normalize(ex.source) == ex.source
        assert ex.source[slice(*ex.spans["year"])] == "2026"
        assert ex.source[slice(*ex.spans["day"])] == "24"
        month = ex.source[slice(*ex.spans["month"])]
        assert month.startswith("11") or month[0].isalpha(), (locale, pattern, month)
    assert seen_locales == set(LOCALES)


def test_the_issue_examples_are_in_the_data_space():
    date = dt.date(2026, 11, 24)
    rendered = {render(date, loc, p).source for loc, p in patterns()}
    for text in ["2026년 11월 24일 화요일", "Tuesday, November 24, 2026", "24. November 2026",
                 "mardi 24 novembre 2026", "2026年11月24日"]:
        assert text in rendered


def test_splits_are_held_out_by_date_and_deterministic():
    a, b = make_splits(seed=3, train_size=5000), make_splits(seed=3, train_size=5000)
    assert a == b
    assert make_splits(seed=4, train_size=5000)["train"] != a["train"]
    train_dates = {ex.target for ex in a["train"]}
    assert not train_dates & {ex.target for ex in a["test"]}
    assert not train_dates & {ex.target for ex in a["valid"]}
    years = {int(ex.target[:4]) for ex in a["train"]}
    assert min(years) == 1900 and max(years) == 2099
