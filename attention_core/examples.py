"""Example inputs for every task: the app offers them, the tests and model cards check them."""

from __future__ import annotations

# Inputs the dates models must get right (and whose attention must look right): the list.
DATE_EXAMPLES = {
    "2026년 11월 24일 화요일": "2026-11-24",
    "Tuesday, November 24, 2026": "2026-11-24",
    "24. November 2026": "2026-11-24",
    "mardi 24 novembre 2026": "2026-11-24",
    "2026年11月24日": "2026-11-24",
    "martes, 5 de marzo de 1968": "1968-03-05",
    "Sat 1 Jan 2000": "2000-01-01",
    "1999. 12. 31.": "1999-12-31",
}

# Adjective–noun phrases whose Spanish reverses the order: the crossing shows in α.
CROSSING_EXAMPLES = ["she bought the red car", "the old man sat on a wooden chair", "we saw a big white house"]

SENTENCE_EXAMPLES = CROSSING_EXAMPLES + [
    "he is a good teacher",
    "the children played in the garden all afternoon",
    "she likes to read books in the evening",
    "the weather was cold and wet",
]

# The fixed inputs every training snapshot decodes (DESIGN §7): one date per locale of the list;
# sentences with crossings, and one with words the word-level models did not know.
PROBES = {"dates": list(DATE_EXAMPLES)[:5],
          "en-es": [*CROSSING_EXAMPLES, "where is the train station"]}


def examples_for(task: str) -> list[str]:
    return list(DATE_EXAMPLES) if task == "dates" else list(SENTENCE_EXAMPLES)
