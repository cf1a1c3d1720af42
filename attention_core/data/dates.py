"""Human-written dates in seven locales (Babel/CLDR) -> ISO 8601, with the span of every field.

The generator knows where the year, month and day stand in each input, so a model's attention can
be checked, not only its output. The test and validation splits are held out by date.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass

from babel import Locale
from babel.dates import DateTimeFormat, get_date_format, parse_pattern

LOCALES = ("en_US", "en_GB", "ko_KR", "fr_FR", "de_DE", "es_ES", "ja_JP")
CLDR_FORMATS = ("medium", "long", "full")
# More variety than CLDR's three: abbreviations, weekday names, numeric forms unambiguous in every
# locale (year first, or day.month.year with dots), and ISO itself.
EXTRA_PATTERNS = {
    "en_US": ("EEE, MMM d, y", "MMMM d y", "EEEE MMMM d, y"),
    "en_GB": ("EEE d MMM y", "d MMMM, y", "EEEE d MMMM y"),
    "ko_KR": ("y년 M월 d일 (EEE)", "y.MM.dd.", "y년 MM월 dd일"),
    "fr_FR": ("EEE d MMM y", "EEEE d MMM y", "'le' d MMMM y"),
    "de_DE": ("EEE, d. MMM y", "d. MMM y", "EEEE, dd.MM.y"),
    "es_ES": ("EEE, d MMM y", "d 'de' MMM 'de' y", "d MMMM y"),
    "ja_JP": ("y年M月d日(EEE)", "y年MM月dd日", "y/M/d"),
    "": ("y-MM-dd",),
}
FIRST, LAST = dt.date(1900, 1, 1), dt.date(2099, 12, 31)
FIELDS = ("year", "month", "day")
# Output positions in "YYYY-MM-DD" and the field each one copies.
TARGET_FIELDS = {0: "year", 1: "year", 2: "year", 3: "year", 5: "month", 6: "month", 8: "day", 9: "day"}
_FIELD_OF = {"y": "year", "M": "month", "L": "month", "d": "day", "E": "weekday"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class DateExample:
    source: str
    target: str
    spans: dict[str, tuple[int, int]]  # field -> [start, end) character positions in source
    locale: str
    pattern: str


def _clean(piece: str) -> str:
    """The tokenizer's normalisation, piece by piece so that spans stay exact (NFKC, plain spaces)."""
    return "".join(" " if ch.isspace() else ch for ch in unicodedata.normalize("NFKC", piece))


def patterns() -> list[tuple[str, str]]:
    """Every (locale, pattern) the generator uses."""
    out = []
    for locale in LOCALES:
        out += [(locale, get_date_format(f, locale=locale).pattern) for f in CLDR_FORMATS]
        out += [(locale, p) for p in EXTRA_PATTERNS[locale]]
    out += [("en_US", p) for p in EXTRA_PATTERNS[""]]
    return out


def render(date: dt.date, locale: str, pattern: str, *, lowercase: bool = False) -> DateExample:
    """Format `date` with a CLDR pattern and record where each field landed."""
    fmt = DateTimeFormat(date, Locale.parse(locale))
    pieces = _PLACEHOLDER.split(parse_pattern(pattern).format.replace("%%", "%"))
    text, spans = "", {}
    for index, piece in enumerate(pieces):
        if index % 2:  # a field placeholder such as MMMM
            value = _clean(fmt[piece])
            field = _FIELD_OF.get(piece[0])
            if field in FIELDS:
                spans[field] = (len(text), len(text) + len(value))
        else:
            value = _clean(piece)
        text += value.lower() if lowercase else value
    stripped = text.lstrip(" ")
    shift = len(text) - len(stripped)
    spans = {k: (a - shift, b - shift) for k, (a, b) in spans.items()}
    return DateExample(stripped.rstrip(" "), date.isoformat(), spans, locale, pattern)


def find_spans(text: str, target: str) -> dict[str, tuple[int, int]] | None:
    """The field spans of `text` if the generator can write it for the date `target` (YYYY-MM-DD)."""
    date = dt.date.fromisoformat(target)
    for locale, pattern in patterns():
        for lowercase in (False, True):
            example = render(date, locale, pattern, lowercase=lowercase)
            if example.source == text:
                return example.spans
    return None


def _split_dates(seed: int, held_out: float) -> tuple[list[dt.date], list[dt.date], list[dt.date]]:
    days = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    random.Random(seed).shuffle(days)
    n_test = n_valid = int(len(days) * held_out)
    return days[n_test + n_valid:], days[n_test:n_test + n_valid], days[:n_test]


def _examples(dates: list[dt.date], count: int, rng: random.Random) -> list[DateExample]:
    choices = patterns()
    out = []
    for i in range(count):
        date = dates[i % len(dates)] if count <= len(dates) else rng.choice(dates)
        locale, pattern = rng.choice(choices)
        out.append(render(date, locale, pattern, lowercase=rng.random() < 0.1))
    return out


def make_splits(seed: int = 0, train_size: int = 60_000, valid_size: int = 2_000, test_size: int = 5_000,
                held_out: float = 0.1) -> dict[str, list[DateExample]]:
    """train/valid/test examples; no valid or test date appears in train. Deterministic by seed."""
    train_dates, valid_dates, test_dates = _split_dates(seed, held_out)
    rng = random.Random(seed + 1)
    return {
        "train": _examples(train_dates, train_size, rng),
        "valid": _examples(valid_dates, valid_size, rng),
        "test": _examples(test_dates, test_size, rng),
    }
