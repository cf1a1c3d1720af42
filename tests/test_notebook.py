"""examples/explore.ipynb, run top to bottom by nbclient as Jupyter would from examples/: no cell fails, the
step figures, the alignment and the heads are drawn as Plotly figures (application/vnd.plotly.v1+json), the hf:
part draws its alignment when transformers is installed and says it is skipped otherwise, and no output loads
anything from the network (no <script src> or module import of a URL: a renderer such as "notebook" or
"notebook_connected" fetches MathJax or plotly.js from a CDN)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

NOTEBOOK = ROOT / "examples" / "explore.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"
# A script or module fetched from a URL: <script src="https://…">, import "https://…", require paths to a URL.
REMOTE = re.compile(r"""(?:\bsrc\s*=\s*|\bimport\s*\(?\s*|paths\s*:\s*\{[^}]*)["']?(?:https?:)?//""")


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()  # raises on a failing cell
    return notebook


def tagged(notebook, tag: str):
    (cell,) = [c for c in notebook.cells if tag in c.metadata.get("tags", [])]
    return cell


def figures(cell) -> list[dict]:
    return [o["data"][PLOTLY] for o in cell.outputs if "data" in o and PLOTLY in o["data"]]  # shown or the value


def trace_types(figure: dict) -> set[str]:
    return {trace.get("type", "scatter") for trace in figure["data"]}


def test_the_committed_notebook_carries_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.slow
def test_every_cell_runs(executed):
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")


@pytest.mark.slow
def test_step_figures_are_drawn(executed):
    drawn = figures(tagged(executed, "step-figures"))
    assert len(drawn) == 5, len(drawn)  # diagram, e_t, α_t, a_t, ŷ_t
    assert all(f["data"] for f in drawn), drawn
    assert all("bar" in trace_types(f) for f in drawn[1:3]), [trace_types(f) for f in drawn]


@pytest.mark.slow
def test_alignment_and_heads_are_drawn(executed):
    for tag in ("alignment", "heads"):
        (figure,) = figures(tagged(executed, tag))
        assert "heatmap" in trace_types(figure), (tag, trace_types(figure))


@pytest.mark.slow
def test_hf_model_is_drawn_or_skipped_with_a_note(executed):
    cell = tagged(executed, "hf")
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    if importlib.util.find_spec("transformers") is None:
        assert "skipped" in printed and not figures(cell), printed
    else:
        (figure,) = figures(cell)
        assert "heatmap" in trace_types(figure) and "tokens out:" in printed, printed


@pytest.mark.slow
def test_no_output_loads_from_the_network(executed):
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if "data" in o]
    remote = [m.group(0) for o in outputs for mime, value in o["data"].items() if mime != PLOTLY
              for m in REMOTE.finditer(str(value))]
    assert outputs and not remote, remote


def test_hf_part_is_skipped_with_a_note_without_transformers():
    """The set-up cell, then the hf: cell with transformers hidden (None in sys.modules: find_spec finds nothing)."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    setup = next(c.source for c in notebook.cells if c.cell_type == "code")
    program = f"import sys\nsys.modules['transformers'] = None\n{setup}\n{tagged(notebook, 'hf').source}\n"
    done = subprocess.run([sys.executable, "-c", program], cwd=NOTEBOOK.parent, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "transformers is not installed" in done.stdout and "skipped" in done.stdout, done.stdout
