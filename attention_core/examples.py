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

# Adjective–noun pairs whose order Spanish swaps ("red car" → "coche rojo"), per sentence: (adjective, noun)
# in English and in Spanish ("a|b": either form, as a model may choose). A head crosses on a pair when the
# Spanish noun's largest α is on the English noun and the Spanish adjective's on the English adjective (over
# words: words.py's word view); a pair counts only when the translation has both Spanish words.
CROSSING_PAIRS = {
    "she bought the red car": [("red", "car", "rojo|roja", "coche")],
    "the old man sat on a wooden chair": [("old", "man", "viejo|vieja", "hombre"),
                                          ("wooden", "chair", "madera", "silla")],
    "we saw a big white house": [("white", "house", "blanca|blanco", "casa")],
    "the black dog ran in the green park": [("black", "dog", "negro|negra", "perro"),
                                            ("green", "park", "verde", "parque")],
    "he wore a long blue coat": [("long", "coat", "largo|larga", "abrigo|capa"),
                                 ("blue", "coat", "azul", "abrigo|capa")],
    "they live in a small old town": [("small", "town", "pequeña|pequeño", "ciudad|pueblo"),
                                      ("old", "town", "vieja|viejo", "ciudad|pueblo")],
}

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
