"""`attention-explorer [--port P] [--models DIR]`: the command `pip install .` installs. It starts the app as
`make run` does in the repo: app_pages/launch.py, i.e. `streamlit run app.py` with its first figures warmed while
the browser loads.

The app comes from catalog.BUNDLE: installed, attention_core/bundle holds app.py, app_pages/ and static/ side by
side as the repo does (pyproject.toml says why); from the repo, BUNDLE is the repo's top level, so
`python -m attention_core.app_command` runs the same app. BUNDLE goes first on sys.path, where
`streamlit run app.py` puts the repo root, so that `import app_pages` means the same both ways.

The server's settings are the repo's .streamlit/config.toml (127.0.0.1 only, no usage statistics, static/ served),
shipped beside app.py in the bundle: Streamlit reads the .streamlit/config.toml beside its main script as well as
the one in the folder it is started in, the former winning, so they hold wherever the command is started.

`--models DIR` sets MODELS_ENV for the app: a folder whose subfolders are model folders (config.json, vocab.json,
model.safetensors) or `save_pretrained` folders of Hugging Face models (`hf:`), listed beside the shipped ones.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path

from .catalog import BUNDLE

MODELS_ENV = "ATTENTION_EXPLORER_MODELS"
CONFIG = BUNDLE / ".streamlit" / "config.toml"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints the usage too)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1-65535): {value!r}")
    return int(value)


def _folder(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"not a folder: {value!r}")
    return path.resolve()


def read_config() -> dict:  # for the default port only: Streamlit reads the file itself
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def parser(config: dict) -> argparse.ArgumentParser:
    p = _Parser(prog="attention-explorer",
                description="Start Attention Explorer (the Streamlit app) with the shipped models, on 127.0.0.1.",
                epilog=f"The app reads the models folder from the environment variable {MODELS_ENV}, which "
                       "--models sets. Server settings: the .streamlit/config.toml shipped beside app.py.")
    p.add_argument("--port", type=_port, default=config["server"]["port"],
                   help="the port to serve on (default: %(default)s)")
    p.add_argument("--models", type=_folder, metavar="DIR",
                   help="a folder whose subfolders are model folders or save_pretrained folders of Hugging Face "
                        "seq2seq models (hf:), shown beside the shipped models")
    return p


def command(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """(the arguments for app_pages.launch, the environment variables to set) for the command's own `argv`."""
    args = parser(read_config()).parse_args(argv)
    return [f"--server.port={args.port}"], ({MODELS_ENV: str(args.models)} if args.models else {})


def main(argv: list[str] | None = None) -> int:
    flags, env = command(sys.argv[1:] if argv is None else argv)
    os.environ.update(env)
    sys.path.insert(0, str(BUNDLE))
    from app_pages import launch

    sys.argv = ["attention-explorer", *flags]  # launch.main passes these on to `streamlit run app.py`
    return launch.main()


if __name__ == "__main__":
    sys.exit(main())
