"""`python -m app_pages.launch [options of streamlit run]`: `streamlit run app.py` (the entry of `make run` and
of the installed `attention-explorer`).

The first page needs no torch (attention_core/catalog.py): its models are listed from their folders and its
default input's trace ships beside its model; torch and the models load after the first page
(common.check_models). Nothing is imported ahead here any more: a thread that imported pandas and built Plotly's
first figures while the browser loaded the page held the interpreter when the server had to answer the browser,
and the first chart came later with it than without it (2026-12-02, alternated in one run, medians of 8 and 6
cold starts: 4.38 s and 3.54 s with it, 3.65 s and 2.90 s without it; the bare page 3.07 s and 2.71 s).
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main() -> int:
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
