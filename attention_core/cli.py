"""python -m attention_core list | trace | translate | evaluate | card | train

Bad input (the project's own errors, and a file the user named that cannot be read or written) gets one line
on stderr and exit status 2; anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from .checkpoint import ModelLoadError, list_pretrained, load_pretrained
from .config import ARCHITECTURES, DECODERS, PRESETS, TOKENIZERS, ConfigError
from .export import batch_record, jsonl
from .formulas import SCORES
from .headline import headline
from .limits import MAX_BEAM
from .trace import ATTRIBUTION_METHODS, TOLERANCE, TraceFormatError
from .translator import InputError
from .upload import UploadError, read_text

MAX_FILE_BYTES = 50 * 1024 * 1024
TASK_PRESETS = tuple(name for name in PRESETS if not name.endswith("-transformer"))  # those train can start from


class UsageError(Exception):
    """Bad input on the command line: reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise UsageError(f"{self.prog}: {message} (see --help)")


# The project's own errors for what the user gave: one line and exit status 2.
USER_ERRORS = (UsageError, InputError, ModelLoadError, ConfigError, TraceFormatError, UploadError)


def read_text_file(path: str) -> str:
    """The text of a file of inputs, read as the upload page reads one (attention_core.upload.read_text)."""
    try:
        file = Path(path)
        if file.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MB")
        data = file.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return read_text(data)
    except UploadError as error:
        raise UploadError(f"{path}: {error}") from None


def cmd_list(args) -> int:
    for name in list_pretrained():
        try:
            model = load_pretrained(name)
        except ModelLoadError as error:
            print(f"{name:22} (cannot load: {error})")
            continue
        cfg = model.config
        print(f"{name:22} {cfg.decoder:11} {cfg.score:11} {cfg.task:6} {headline(model.metrics)}")
    return 0


def _human(trace) -> str:
    lines = [f"{trace.model}: {trace.source!r} -> {trace.prediction!r}  (log P = {trace.log_prob:.3f})"]
    for step in trace.steps:
        where = ""
        if step.alpha is not None:
            i = int(step.alpha.argmax())
            where = f"  attends to {trace.source_tokens[i]!r} (position {i + 1}, α = {step.alpha[i]:.3f})"
        if step.attribution is not None:
            i = int(abs(step.attribution.values).argmax())
            where += (f"  {step.attribution.method} most on {trace.source_tokens[i]!r} (position {i + 1}, "
                      f"{step.attribution.values[i]:+.3f})")
        lines.append(f"  t={step.t:<3} {step.input_token!r:>8} -> {step.token!r:<10} p = {step.prob:.4f}{where}")
    return "\n".join(lines)


def cmd_trace(args) -> int:
    model = load_pretrained(args.model)
    if not 1 <= args.beam <= MAX_BEAM:
        raise UsageError(f"--beam must be between 1 and {MAX_BEAM}")
    trace = model.trace(args.text, beam=args.beam, target=args.target, top_k=args.top_k,
                        attribution=args.attribution_method if args.attribution else False)
    print(trace.to_json(indent=args.indent) if args.json else _human(trace))
    return 0


def cmd_translate(args) -> int:
    model = load_pretrained(args.model)
    lines = read_text_file(args.input).splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        raise UsageError(f"{args.input} has no input lines")
    problems = {n: problem for n, line in numbered if (problem := model.check(line))}  # one check per line
    if problems and not args.skip_invalid:
        n, message = next(iter(problems.items()))
        raise UsageError(f"{args.input} line {n}: {message} ({len(problems)} bad line(s); fix them or pass "
                         "--skip-invalid)")
    good = [line for n, line in numbered if n not in problems]
    started = time.perf_counter()
    traces = model.trace_batch(good)
    timing = Timing(len(traces), time.perf_counter() - started)
    if args.attribution:
        timing.attribution_s, timing.incomplete = attribute_all(model, traces, args.attribution_method)
    traces = iter(traces)
    records = [{"source": line, "line": n, "error": problems[n]} if n in problems
               else batch_record(next(traces), all_heads=args.all_heads) for n, line in numbered]
    data = jsonl(records)
    if args.output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        try:
            Path(args.output).write_bytes(data)
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    skipped = len(lines) - len(numbered)
    if skipped or problems:
        print(f"wrote {len(good)} results; {skipped} blank line(s) skipped, {len(problems)} invalid line(s) "
              f"written as errors", file=sys.stderr)
    if args.attribution:
        print(timing.summary(args.attribution_method), file=sys.stderr)
    return 0


@dataclass
class Timing:
    """What `translate --attribution` reports: the traces' decoding, and their attribution after it."""

    traces: int
    trace_s: float  # trace_batch of all of them
    attribution_s: float = 0.0
    incomplete: int = 0  # traces with a step that misses completeness even at the most points

    def summary(self, method: str) -> str:
        per = max(self.traces, 1)
        line = (f"attribution ({method}): {self.traces} traces, {self.attribution_s / per:.3f} s per trace "
                f"(plain trace {self.trace_s / per:.4f} s, in a batch)")
        if self.incomplete:
            line += f"; {self.incomplete} trace(s) miss completeness by more than {TOLERANCE:.0%} at some step"
        return line


def attribute_all(model, traces, method: str) -> tuple[float, int]:
    """Attach `method`'s attribution to every trace (one at a time: attribution.attribute); the seconds it took,
    and how many traces have a step that misses completeness by more than TOLERANCE (counted, not warned of
    once per trace)."""
    from .attribution import attribute

    if method == "integrated_gradients":
        import captum.attr  # noqa: F401  (its import, about a second, is no trace's time)
    started, incomplete = time.perf_counter(), 0
    for trace in traces:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (one per incomplete trace: counted below instead)
            attribute(model, model.source_ids(trace.source), trace, method)
        incomplete += any((step.attribution.gap or 0.0) > TOLERANCE for step in trace.steps)
    return time.perf_counter() - started, incomplete


def cmd_evaluate(args) -> int:
    from .data import load_task
    from .evaluate import evaluate

    model = load_pretrained(args.model)
    task = args.task or model.config.task
    if not task:
        raise UsageError(f"{model.name} has no task of its own: pass --task dates or --task en-es")
    examples = load_task(task, seed=args.seed)[args.split]
    if args.limit:
        examples = examples[: args.limit]
    metrics = evaluate(model, examples, task=task, beam=args.beam)
    print(json.dumps(metrics, indent=1))
    return 0


def cmd_card(args) -> int:
    from .measure import refresh

    names = list_pretrained() if args.model == "all" else [args.model]
    for name in names:
        folder = refresh(load_pretrained(name), remeasure=args.remeasure, attribution=args.attribution)
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


def attribution_flags(p: argparse.ArgumentParser, what: str) -> None:
    """--attribution and --attribution-method, the same for trace and translate."""
    p.add_argument("--attribution", action="store_true", help=what)
    p.add_argument("--attribution-method", default="integrated_gradients", choices=ATTRIBUTION_METHODS)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m attention_core", description="Trace attention in seq2seq models.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("list", help="list the shipped models")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("trace", help="trace one input: every intermediate quantity of every step")
    p.add_argument("text")
    p.add_argument("--model", required=True,
                   help="a name from `list`, a model folder, or hf:PATH (a transformers save_pretrained folder)")
    p.add_argument("--json", action="store_true", help="print the DESIGN §2 JSON object")
    p.add_argument("--indent", type=int, default=None)
    p.add_argument("--beam", type=int, default=1, help=f"beam width (1 to {MAX_BEAM}; 1 is greedy)")
    p.add_argument("--target", default=None, help="forced decoding: the trace while reading this target")
    p.add_argument("--top-k", type=int, default=5, choices=range(1, 51), metavar="K")
    attribution_flags(p, "give every step its attribution over the source tokens (DESIGN §6)")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("translate", help="decode a file, one input per line, into JSON Lines")
    p.add_argument("--model", required=True)
    p.add_argument("--input", required=True, help="UTF-8 or UTF-16 text file, one input per line")
    p.add_argument("--output", required=True, help="JSON Lines file to write, or - for stdout")
    p.add_argument("--skip-invalid", action="store_true", help="write bad lines as error records")
    p.add_argument("--all-heads", action="store_true",
                   help='add "cross_attention": [layers][heads][T][N], every head\'s α (DESIGN §5)')
    attribution_flags(p, 'add "attribution": every step\'s attribution (DESIGN §6) in one object: method, baseline, '
                         "values [T][N], logprob [T] (integrated gradients: also baseline_logprob [T], n_steps [T]); "
                         "far slower than the traces (a summary of the time goes to stderr)")
    p.set_defaults(func=cmd_translate)

    p = sub.add_parser("evaluate", help="measure a model on its task's held-out split")
    p.add_argument("--model", required=True)
    p.add_argument("--task", choices=("dates", "en-es"), default=None,
                   help="the task to measure on (default: the model's own; an hf: model has none)")
    p.add_argument("--split", choices=("valid", "test", "test-definitions"), default="test")
    p.add_argument("--beam", type=int, default=1, choices=range(1, MAX_BEAM + 1), metavar="K")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("card", help="rewrite a model's card.md (and pretrained/README.md) from its metrics")
    p.add_argument("--model", required=True, help="a model name or folder, or 'all'")
    p.add_argument("--remeasure", action="store_true", help="measure the test split again first")
    p.add_argument("--attribution", action="store_true",
                   help="measure attention beside attribution again first (the first test examples; minutes)")
    p.set_defaults(func=cmd_card)

    p = sub.add_parser("train", help="train a model and write its folder")
    p.add_argument("--task", required=True, choices=("dates", "en-es"))
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--architecture", choices=ARCHITECTURES, default="rnn",
                   help="rnn: a GRU encoder and decoder (--decoder, --score); transformer: --layers, --heads, …")
    p.add_argument("--decoder", choices=DECODERS, default="luong")
    p.add_argument("--score", choices=SCORES, default="dot")
    p.add_argument("--preset", choices=TASK_PRESETS, default=None,
                   help="sizes to start from (a Transformer adds the preset's -transformer sizes)")
    p.add_argument("--layers", type=int, default=None, help="Transformer: L encoder and L decoder layers")
    p.add_argument("--heads", type=int, default=None, help="Transformer: h heads per attention layer")
    p.add_argument("--d-ff", type=int, default=None, help="Transformer: the feed-forward layer's width")
    p.add_argument("--norm", choices=("pre", "post"), default=None, help="Transformer: pre- or post-norm")
    p.add_argument("--positions", choices=("sinusoidal", "learned"), default=None,
                   help="Transformer: position encodings")
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
    p.add_argument("--warmup", type=int, default=0,
                   help="steps of linear warm-up; with it the rate then falls on a cosine to a tenth by the last epoch")
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--patience", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-size", type=int, default=None)
    p.add_argument("--min-count", type=int, default=1, help="char/word tokens seen fewer times become <unk>")
    p.add_argument("--tokenizer", choices=TOKENIZERS, help="default: the task's (dates char, en-es subword)")
    p.add_argument("--vocab-size", type=int, default=4000, help="subword pieces per side, specials included")
    p.add_argument("--device", default="cpu")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_train)
    return parser


def _names_users_file(error: OSError, args) -> bool:
    """Whether an OSError is about a file or folder the user named (--input, --output, --out, --model) or one
    inside it: the user's to fix. Any other OSError is the project's, and a bug."""
    named = [Path(value).resolve() for key in ("input", "output", "out", "model")
             if isinstance(value := getattr(args, key, None), (str, Path)) and str(value) != "-"]
    for filename in (error.filename, error.filename2):
        if filename is not None:
            path = Path(os.fsdecode(filename)).resolve()
            if any(path == p or p in path.parents for p in named):
                return True
    return False


def _fail(message: object) -> int:
    print(f"error: {message}".splitlines()[0], file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = None
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except USER_ERRORS as error:
        return _fail(error)
    except OSError as error:
        if args is None or not _names_users_file(error, args):
            raise
        return _fail(f"cannot use {error.filename}: {error.strerror or error}")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
