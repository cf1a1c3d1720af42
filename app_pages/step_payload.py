"""A chart's figures for every step of a trace, made compact for the browser (no Streamlit here).

The step page sends all steps at once and the browser switches between them (app_pages/live_chart.js).
The figures come from the Python figure builders, the one definition of what is drawn; most of a
figure is the same at every step (layout, axes, token labels, colour scales), so a chart travels as one
base figure and, per step, the few values that differ from it:

    figure_t = apply(base, patches[t - 1])

A patch is a list of operations, each `[path, value]` (set the value at path) or `[path]` (delete it);
a path is a list of dict keys and list indices. Lists of numbers and typed arrays are replaced whole.
"""

from __future__ import annotations

import copy
from typing import Any

Path = list  # of str (dict keys) and int (list indices)


def diff(base: Any, other: Any, path: Path | None = None, out: list | None = None) -> list:
    """The operations that turn `base` into `other` (both plain JSON values)."""
    path, out = path or [], [] if out is None else out
    if isinstance(base, dict) and isinstance(other, dict) and "bdata" not in base and "bdata" not in other:
        for key, value in other.items():
            if key in base:
                diff(base[key], value, path + [key], out)
            else:
                out.append([path + [key], value])
        out.extend([path + [key]] for key in base if key not in other)
    elif (isinstance(base, list) and isinstance(other, list) and len(base) == len(other)
          and any(isinstance(item, (dict, list)) for item in base)):  # e.g. the traces, shapes, annotations
        for i, (a, b) in enumerate(zip(base, other)):
            diff(a, b, path + [i], out)
    elif base != other or type(base) is not type(other):
        out.append([path, other])
    return out


def apply(base: Any, patch: list) -> Any:
    """`base` with the operations of `patch` applied (a new value; `base` is left as it is). The browser does
    the same in live_chart.js (applyPatch); tests/test_step_payload.py checks that both agree."""
    result = copy.deepcopy(base)
    for op in patch:
        path = op[0]
        if not path:
            result = copy.deepcopy(op[1])
            continue
        parent = result
        for part in path[:-1]:
            parent = parent[part]
        if len(op) == 1:
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(op[1])
    return result


def compact_steps(figures: list[dict]) -> dict:
    """One chart's figures (plain JSON, one per step) as {"base": figure of step 1, "patches": [one per
    step]}: the base travels once, each step only what differs from it."""
    base = figures[0]
    return {"base": base, "patches": [diff(base, fig) for fig in figures]}
