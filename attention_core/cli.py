"""python -m attention_core list | trace | translate | evaluate | train

Bad input gets one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from .checkpoint import list_pretrained, load_pretrained
from .config import DECODERS, PRESETS
from .formulas import SCORES
from .headline import headline
from .limits import MAX_BEAM
from .translator import InputError

MAX_FILE_BYTES = 50 * 1024 * 1024


class UsageError(Exception):
    """Bad input on the command line: reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise UsageError(f"{self.prog}: {message} (see --help)")


def read_text_file(path: str) -> str:
    """A UTF-8 (optionally with BOM) or UTF-16 (with BOM) text file."""
    try:
        file = Path(path)
        if file.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MB")
        data = file.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 or UTF-16 text; save it as UTF-8") from None
    if "\x00" in text:
        raise UsageError(f"{path} looks binary (it contains NUL bytes); give a text file, one input per line")
    return text


def cmd_list(args) -> int:
    for name in list_pretrained():
        try:
            model = load_pretrained(name)
        except ValueError as error:
            print(f"{name:22} (cannot load: {error})")
            continue
        cfg = model.config
        print(f"{name:22} {cfg.decoder:9} {cfg.score:11} {cfg.task:6} {headline(model.metrics)}")
    return 0


def _human(trace) -> str:
    lines = [f"{trace.model}: {trace.source!r} -> {trace.prediction!r}  (log P = {trace.log_prob:.3f})"]
    for step in trace.steps:
        where = ""
        if step.alpha is not None:
            i = int(step.alpha.argmax())
            where = f"  attends to {trace.source_tokens[i]!r} (position {i + 1}, α = {step.alpha[i]:.3f})"
        lines.append(f"  t={step.t:<3} {step.input_token!r:>8} -> {step.token!r:<10} p = {step.prob:.4f}{where}")
    return "\n".join(lines)


def cmd_trace(args) -> int:
    model = load_pretrained(args.model)
    if not 1 <= args.beam <= MAX_BEAM:
        raise UsageError(f"--beam must be between 1 and {MAX_BEAM}")
    trace = model.trace(args.text, beam=args.beam, target=args.target, top_k=args.top_k)
    print(trace.to_json(indent=args.indent) if args.json else _human(trace))
    return 0


def cmd_translate(args) -> int:
    model = load_pretrained(args.model)
    lines = read_text_file(args.input).splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        raise UsageError(f"{args.input} has no input lines")
    bad = [(n, model.check(line)) for n, line in numbered if model.check(line)]
    if bad and not args.skip_invalid:
        n, message = bad[0]
        raise UsageError(f"{args.input} line {n}: {message} ({len(bad)} bad line(s); fix them or pass --skip-invalid)")
    bad_lines = {n for n, _ in bad}
    good = [(n, line) for n, line in numbered if n not in bad_lines]
    traces = iter(model.trace_batch([line for _, line in good]))
    records = []
    for n, line in numbered:
        if n in bad_lines:
            records.append({"source": line, "line": n, "error": dict(bad)[n]})
            continue
        t = next(traces)
        alignment = t.alignment
        records.append({"source": t.source, "source_tokens": t.source_tokens, "prediction": t.prediction,
                        "target_tokens": t.target_tokens,
                        "alignment": None if alignment is None else alignment.tolist()})
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    skipped = len(lines) - len(numbered)
    if skipped or bad:
        print(f"wrote {len(good)} results; {skipped} blank line(s) skipped, {len(bad)} invalid line(s) "
              f"written as errors", file=sys.stderr)
    return 0


def cmd_evaluate(args) -> int:
    from .data import load_task
    from .evaluate import evaluate

    model = load_pretrained(args.model)
    examples = load_task(model.config.task, seed=args.seed)[args.split]
    if args.limit:
        examples = examples[: args.limit]
    metrics = evaluate(model, examples, task=model.config.task, beam=args.beam)
    print(json.dumps(metrics, indent=1))
    return 0


def cmd_card(args) -> int:
    from .measure import refresh

    names = list_pretrained() if args.model == "all" else [args.model]
    for name in names:
        folder = refresh(load_pretrained(name), remeasure=args.remeasure)
        print(f"wrote {folder / 'card.md'}")
    return 0


def cmd_train(args) -> int:
    from .train import TrainSettings, train

    settings = TrainSettings(**{k: v for k, v in vars(args).items() if k not in ("func", "command")})
    command = "python -m attention_core " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    model = train(settings, command=command)
    print(f"wrote {settings.out}: " + ", ".join(
        f"{k} {v:.4f}" for k, v in model.metrics.items() if isinstance(v, float)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m attention_core", description="Trace attention in seq2seq models.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("list", help="list the shipped models")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("trace", help="trace one input: every intermediate quantity of every step")
    p.add_argument("text")
    p.add_argument("--model", required=True, help="a name from `list`, or a model folder")
    p.add_argument("--json", action="store_true", help="print the DESIGN §2 JSON object")
    p.add_argument("--indent", type=int, default=None)
    p.add_argument("--beam", type=int, default=1, help=f"beam width (1 to {MAX_BEAM}; 1 is greedy)")
    p.add_argument("--target", default=None, help="forced decoding: the trace while reading this target")
    p.add_argument("--top-k", type=int, default=5, choices=range(1, 51), metavar="K")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("translate", help="decode a file, one input per line, into JSON Lines")
    p.add_argument("--model", required=True)
    p.add_argument("--input", required=True, help="UTF-8 or UTF-16 text file, one input per line")
    p.add_argument("--output", required=True, help="JSON Lines file to write, or - for stdout")
    p.add_argument("--skip-invalid", action="store_true", help="write bad lines as error records")
    p.set_defaults(func=cmd_translate)

    p = sub.add_parser("evaluate", help="measure a model on its task's held-out split")
    p.add_argument("--model", required=True)
    p.add_argument("--split", choices=("valid", "test", "test-definitions"), default="test")
    p.add_argument("--beam", type=int, default=1, choices=range(1, MAX_BEAM + 1), metavar="K")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("card", help="rewrite a model's card.md (and pretrained/README.md) from its metrics")
    p.add_argument("--model", required=True, help="a model name or folder, or 'all'")
    p.add_argument("--remeasure", action="store_true", help="measure the test split again first")
    p.set_defaults(func=cmd_card)

    p = sub.add_parser("train", help="train a model and write its folder")
    p.add_argument("--task", required=True, choices=("dates", "en-es"))
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--decoder", choices=DECODERS, default="luong")
    p.add_argument("--score", choices=SCORES, default="dot")
    p.add_argument("--preset", choices=tuple(PRESETS), default=None)
    p.add_argument("--embed-size", type=int, default=None)
    p.add_argument("--hidden-size", type=int, default=None)
    p.add_argument("--bidirectional", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--dropout", type=float, default=None)
    p.add_argument("--decoder-init", choices=("final", "zero"), default=None,
                   help="the decoder's first state: the encoder's final state, or zeros")
    p.add_argument("--weights-dtype", choices=("float32", "float16"), default=None,
                   help="storage type of model.safetensors (computation is always float32)")
    p.add_argument("--source-end-marker", action=argparse.BooleanOptionalAction, default=None,
                   help="append </s> to the source (one more encoder state)")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--patience", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-size", type=int, default=None)
    p.add_argument("--min-count", type=int, default=1)
    p.add_argument("--device", default="cpu")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except (UsageError, InputError, ValueError, OSError) as error:
        print(f"error: {error}".splitlines()[0], file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
