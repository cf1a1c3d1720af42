"""python -m bench [core | app | load | cold | figures | heads …]: the benchmarks (by default core, app, load),
printing their figures with the machine they ran on; cold is app's cold start alone, figures what each step figure costs
Plotly in the browser."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys

import torch

from . import app, baselines, core, figures, heads, load

SUITES = {"core": core.run, "app": app.run, "load": load.run, "cold": app.run_cold,
          "transformer": core.transformer_lines, "attribution": core.attribution_lines, "figures": figures.run,
          "heads": heads.run, "baselines": baselines.run}
DEFAULT = ["core", "app", "load"]  # cold: app's cold start alone; transformer, attribution: parts of core;
# figures: each step figure's cost in the browser alone; heads: a Transformer's page with its grid in sight;
# baselines: dates-dot's field attribution under several integrated-gradients baselines (minutes)


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"torch {torch.__version__} ({torch.get_num_threads()} threads), {dt.date.today().isoformat()}")


def main(argv: list[str]) -> int:
    names = argv or DEFAULT
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(SUITES)}", file=sys.stderr)
        return 2
    print(f"# machine: {machine()}")
    for name in names:
        print(f"## {name}")
        for line in SUITES[name]():
            print(f"- {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
