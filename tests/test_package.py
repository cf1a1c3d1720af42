"""`pip install .` (pyproject.toml): from a clean clone of HEAD into a fresh venv, then the library and the
`attention-explorer` command (attention_core/app_command.py) from another folder.

To stay fast and offline the venv has no pip of its own and sees the dev venv's packages through a .pth line:
it is installed into with this venv's pip (`pip --python`), `--no-deps --no-build-isolation`. The declared
dependencies are checked apart, against requirements.txt. Uncommitted changes are not in the clone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
from pathlib import Path

import psutil
import pytest
from conftest import ROOT
from packaging.requirements import Requirement

from attention_core import app_command
from attention_core.app_command import MODELS_ENV

TEXT = "March 3, 2001"


def run(*args, **options) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **options)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's python, the venv's bin folder, a folder outside the repo to run in)."""
    tmp = tmp_path_factory.mktemp("package")
    head = run("git", "-C", str(ROOT), "rev-parse", "HEAD", check=True).stdout.strip()
    run("git", "clone", "-q", "--no-checkout", str(ROOT), str(tmp / "src"), check=True)
    run("git", "-C", str(tmp / "src"), "checkout", "-q", head, check=True)
    run(sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv"), check=True)
    python = tmp / "venv" / "bin" / "python"
    purelib = run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", check=True)
    (Path(purelib.stdout.strip()) / "dev-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    started = time.monotonic()
    done = run(sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(python), "install", "-q",
               "--no-deps", "--no-build-isolation", str(tmp / "src"))
    assert done.returncode == 0, done.stderr
    print(f"pip install: {time.monotonic() - started:.1f} s")
    (tmp / "elsewhere").mkdir()
    return python, python.parent, tmp / "elsewhere"


def requirement_lines(path) -> list[str]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [str(Requirement(line)) for line in lines if line and not line.startswith("-r")]


@pytest.mark.slow
def test_declared_dependencies_are_requirements_txt(installed):
    python, _, elsewhere = installed
    done = run(str(python), "-c", "import importlib.metadata as m; print('\\n'.join(m.requires('attention-explorer')))",
               cwd=elsewhere, check=True)
    declared = [Requirement(line) for line in done.stdout.splitlines()]
    assert [str(r) for r in declared if not r.marker] == requirement_lines(ROOT / "requirements.txt")
    hf = [str(Requirement(f"{r.name}{r.specifier}")) for r in declared
          if r.marker and r.marker.evaluate({"extra": "hf"})]
    assert hf == requirement_lines(ROOT / "requirements-hf.txt")


@pytest.mark.slow
def test_library_from_another_folder_loads_the_shipped_models(installed):
    python, _, elsewhere = installed
    done = run(str(python), "-c", "import attention_core as a, attention_core.catalog as c; "
               "print(a.__file__); print(c.PRETRAINED_DIR); from attention_core import load_pretrained; "
               f"print(load_pretrained('dates-dot').trace({TEXT!r}).prediction)", cwd=elsewhere, check=True)
    module, models, prediction = done.stdout.splitlines()
    venv = python.parent.parent
    assert module.startswith(str(venv)) and models.startswith(str(venv)), (module, models)  # not the repo's
    from attention_core import load_pretrained

    assert prediction == load_pretrained("dates-dot").trace(TEXT).prediction == "2001-03-03"


@pytest.mark.slow
def test_installed_app_runs_its_first_page(installed):
    python, _, elsewhere = installed
    done = run(str(python), "-c", "from streamlit.testing.v1 import AppTest; from attention_core import catalog; "
               "at = AppTest.from_file(str(catalog.BUNDLE / 'app.py'), default_timeout=60).run(); "
               "print(len(at.exception), len(at.get('plotly_chart')), catalog.BUNDLE)", cwd=elsewhere, check=True)
    exceptions, charts, bundle = done.stdout.split()
    assert exceptions == "0" and int(charts) >= 1 and bundle.startswith(str(python.parent.parent)), done.stdout


@pytest.mark.slow
def test_command_help_lists_its_options(installed):
    _, bin_, elsewhere = installed
    done = run(str(bin_ / "attention-explorer"), "--help", cwd=elsewhere)
    assert done.returncode == 0 and all(o in done.stdout for o in ("--models", "--port", MODELS_ENV)), done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--port", "x"], ["--port", "70000"], ["--models", "/no/such/folder"], ["--bogus"]])
def test_command_refuses_bad_options_in_one_line(installed, args):
    _, bin_, elsewhere = installed
    done = run(str(bin_ / "attention-explorer"), *args, cwd=elsewhere)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, (done.returncode, done.stderr)
    assert done.stdout == ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.mark.slow
def test_command_serves_the_app_on_loopback(installed):
    """Started outside the repo (no .streamlit/ there): answers on 127.0.0.1:P, listens on loopback only and
    serves the bundle's static/, as the config.toml shipped beside app.py says."""
    _, bin_, elsewhere = installed
    port = free_port()
    process = subprocess.Popen([str(bin_ / "attention-explorer"), "--port", str(port)],
                               cwd=elsewhere, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except OSError:
                time.sleep(0.25)
        assert health == (200, b"ok"), process.stderr.read() if process.poll() is not None else health
        status, js = get(f"http://127.0.0.1:{port}/app/static/plotly-cartesian.min.js")
        assert status == 200 and js == (ROOT / "static" / "plotly-cartesian.min.js").read_bytes()
        server = psutil.Process(process.pid)
        listening = {c.laddr for c in server.net_connections("inet") if c.status == psutil.CONN_LISTEN}
        assert listening == {("127.0.0.1", port)}, listening
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- the command's arguments, in the repo (no install)


def test_command_passes_the_port_on():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert app_command.command([]) == ([f"--server.port={config['server']['port']}"], {})
    assert app_command.command(["--port", "9123"]) == (["--server.port=9123"], {})


def test_command_hands_the_models_folder_to_the_app(tmp_path):
    _, env = app_command.command(["--models", str(tmp_path)])
    assert env == {MODELS_ENV: str(tmp_path.resolve())}


def test_command_starts_launch_with_the_port_and_the_models_folder(tmp_path, monkeypatch):
    """main: MODELS_ENV set and the bundle on sys.path before app_pages.launch starts streamlit on the port."""
    from app_pages import launch

    seen = {}
    monkeypatch.setattr(launch, "main", lambda: seen.update(argv=sys.argv[1:], env=os.environ.get(MODELS_ENV)) or 0)
    monkeypatch.setattr(sys, "argv", ["attention-explorer"])
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv(MODELS_ENV, "before")  # and put back as it was (unset) after the test
    assert app_command.main(["--port", "9124", "--models", str(tmp_path)]) == 0
    assert seen == {"argv": app_command.command(["--port", "9124"])[0], "env": str(tmp_path.resolve())}
    assert sys.path[0] == str(ROOT)


def test_bundle_is_the_repo_top_level_in_the_repo():
    from attention_core import catalog

    assert catalog.BUNDLE == ROOT and catalog.PRETRAINED_DIR == ROOT / "pretrained"
    assert os.path.isfile(catalog.BUNDLE / "app.py")
