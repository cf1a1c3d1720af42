"""Builds the English→Spanish corpus: WordNet's example sentences, translated by Apertium.

Run only to rebuild data/en-es/ (needs Debian's apertium, apertium-eng-spa and wordnet-base):

    python -m attention_core.data.build_en_es [--out data/en-es]

Training and tests read the committed TSV files and need none of these packages.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
from pathlib import Path

WORDNET = Path("/usr/share/wordnet")
POS_FILES = ("data.noun", "data.verb", "data.adj", "data.adv")
APERTIUM_MODE = "eng-spa"
MAX_WORDS = 30
SEED = 0
VALID, TEST, OUT_OF_DOMAIN = 1000, 1000, 1000
_QUOTED = re.compile(r'"([^"]+)"')
_APERTIUM_MARKS = re.compile(r"[*#@]")


def _glosses() -> list[str]:
    """The gloss of every synset: definitions, then "quoted example sentences", separated by ';'."""
    out = []
    for name in POS_FILES:
        for line in (WORDNET / name).read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("  ") or " | " not in line:  # license header
                continue
            out.append(line.split(" | ", 1)[1].strip())
    return out


def _clean(text: str) -> str:
    return " ".join(text.replace("`", "'").split()).strip(" ;,")


def _usable(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= MAX_WORDS and any(c.isalpha() for c in text) and text.isascii()


def examples_and_definitions() -> tuple[list[str], list[str]]:
    """Unique example sentences (the training material) and unique definitions (out of domain)."""
    examples, definitions = {}, {}
    for gloss in _glosses():
        for quoted in _QUOTED.findall(gloss):
            text = _clean(quoted)
            if _usable(text):
                examples.setdefault(text.lower(), text)
        definition = _clean(_QUOTED.sub("", gloss).split(";")[0])
        if _usable(definition):
            definitions.setdefault(definition.lower(), definition)
    definitions = {k: v for k, v in definitions.items() if k not in examples}
    return list(examples.values()), list(definitions.values())


def translate(lines: list[str]) -> list[str]:
    """Apertium eng-spa, one output line per input line.

    Apertium joins lines without end punctuation into one sentence, so each line gets " ." before
    translating and loses it after.
    """
    text = "".join(line + " .\n" for line in lines)
    result = subprocess.run(["apertium", APERTIUM_MODE], input=text, capture_output=True, text=True, check=True)
    out = result.stdout.split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(lines):
        raise RuntimeError(f"apertium returned {len(out)} lines for {len(lines)}")
    cleaned = []
    for line in out:
        line = " ".join(line.split())
        if line.endswith("."):
            line = line[:-1].rstrip()
        cleaned.append(line)
    return cleaned


def pairs_of(sources: list[str]) -> list[tuple[str, str]]:
    """Translated pairs, without those where Apertium marked an unknown word or an error (*, #, @)."""
    return [(en, es) for en, es in zip(sources, translate(sources))
            if es and not _APERTIUM_MARKS.search(es) and "\t" not in en + es]


def _write(path: Path, rows: list[tuple[str, str]]) -> dict:
    text = "".join(f"{en}\t{es}\n" for en, es in rows)
    path.write_text(text, encoding="utf-8")
    return {"rows": len(rows), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def apertium_version() -> str:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "apertium-eng-spa"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def build(out: Path) -> dict:
    examples, definitions = examples_and_definitions()
    pairs = pairs_of(examples)
    rng = random.Random(SEED)
    rng.shuffle(pairs)
    splits = {"test": pairs[:TEST], "valid": pairs[TEST:TEST + VALID], "train": pairs[TEST + VALID:]}
    definition_pairs = pairs_of(definitions)
    rng.shuffle(definition_pairs)
    splits["test-definitions"] = definition_pairs[:OUT_OF_DOMAIN]
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "source": "WordNet 3.0 example sentences (Debian wordnet-base), translated by Apertium "
                  f"{APERTIUM_MODE} (apertium-eng-spa {apertium_version()})",
        "examples_found": len(examples), "pairs_kept": len(pairs), "seed": SEED,
        "files": {f"{name}.tsv": _write(out / f"{name}.tsv", rows) for name, rows in splits.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    write_readme(out, manifest)
    return manifest


def _wordnet_license() -> str:
    text = Path("/usr/share/doc/wordnet-base/copyright").read_text(encoding="utf-8")
    body = text[text.index(" This software and database"):text.index("Files: debian/*")].rstrip()
    return "\n".join("" if line.strip() == "." else line[1:] for line in body.splitlines())


def write_readme(out: Path, manifest: dict) -> None:
    rows = "\n".join(f"| `{name}` | {v['rows']:,} | `{v['sha256'][:16]}…` |" for name, v in manifest["files"].items())
    (out / "README.md").write_text(README.format(rows=rows, license=_wordnet_license(), **manifest), encoding="utf-8")


README = """# English → Spanish corpus

English example sentences from WordNet 3.0 (the quoted usage examples in `data.noun`, `data.verb`,
`data.adj`, `data.adv`; never the definitions), machine-translated into Spanish by Apertium.
The Spanish side is therefore Apertium's rule-based output, not human translation: the models
learn to imitate Apertium, and BLEU measures agreement with it.

## Files
| file | rows | sha256 (full value in `manifest.json`) |
|---|---|---|
{rows}

Each line: English, a tab, Spanish; no header, no quoting. `train`, `valid` and `test` are a fixed
random split (seed {seed}) of the {pairs_kept:,} pairs kept. `test-definitions` is English *unlike the
training sentences*: WordNet definitions (glosses), never used for training, translated the same way;
it measures how the models do outside their domain.

## How it was built
```
apt-get install -y apertium apertium-eng-spa wordnet-base
python -m attention_core.data.build_en_es          # or: make data
```
{examples_found:,} unique example sentences (2 to 30 words, ASCII) were found; each was translated with
`apertium eng-spa` after appending " ." (Apertium joins lines without end punctuation into one
sentence), and the mark was stripped after. Pairs whose Spanish contains Apertium's `*` (unknown
word), `#` (generation error) or `@` (transfer error) marks were dropped, leaving {pairs_kept:,}.
Source: {source}.

## Licenses
- **WordNet 3.0** (the English sentences), under the WordNet 3.0 license:

```
{license}
```

- **Apertium** (`apertium`, `apertium-eng-spa`, © Universitat d'Alacant and others) is free software
  under the GNU GPL version 2. The Spanish sentences are the output of running that program; the GPL
  covers the program and its linguistic data, not the translations it produces. No part of Apertium
  is included here.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "data" / "en-es")
    print(json.dumps(build(parser.parse_args().out), indent=1))


if __name__ == "__main__":
    main()
