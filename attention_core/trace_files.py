"""Trace files from anywhere: `read_traces(name, data)` reads DESIGN §2/§5 traces written by anyone (our CLI's
`trace --json`, the hf: adapter, attention_core.recorder, a user's own code), each checked by Trace.from_dict.

.json: one trace object, or a list of them; .jsonl: one trace object per non-empty line. A fault of the whole file
(empty, over upload.MAX_BYTES, not text, not JSON, no trace in it, more than MAX_TRACES) raises TraceFileError with
one short message; a fault of one trace is collected in TraceFile.errors with its line (.jsonl) or item number
(.json; 1 for a single object), and the other traces are read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePath

from .trace import Trace, TraceFormatError
from .upload import MAX_BYTES, MAX_MB, UploadError, read_text

MAX_TRACES = 200  # traces in one file: each is drawn in the pages, and a file of many is many files' work
KINDS = (".json", ".jsonl")


class TraceFileError(ValueError):
    """A file that cannot be read as traces at all; the message says what to fix."""


@dataclass
class TraceFile:
    traces: list[tuple[int, Trace]]  # (line or item number, 1-based; the trace)
    errors: list[tuple[int, str]]  # (line or item number; what is wrong with that trace, naming step and key)


class _Bad(str):
    """An item that is not JSON: its message, in place of the object."""


def _suffix(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def _text(data: bytes) -> str:
    if not data:
        raise TraceFileError("the file is empty")
    if len(data) > MAX_BYTES:
        raise TraceFileError(f"the file is {len(data) / 2**20:.1f} MB; the limit is {MAX_MB} MB")
    try:
        text = read_text(data)
    except UploadError as error:  # upload's reader and message; its advice is for files of inputs
        raise TraceFileError(str(error).replace("use a text, CSV or TSV file", "a trace file is JSON text")) from None
    if not text.strip():
        raise TraceFileError("the file is empty")
    return text


def _loads(text: str) -> object:
    """json.loads; its faults as one line (JSONDecodeError, a number of over 4,300 digits, nesting too deep)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except RecursionError:
        raise ValueError("not JSON this reader takes: nested too deeply") from None
    except ValueError as error:
        raise ValueError(f"not JSON this reader takes: {error}"[:200]) from None


def _items(kind: str, text: str) -> list[tuple[int, object]]:
    """The file's (number, trace object or _Bad) items."""
    if kind == ".jsonl":
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    items.append((number, _loads(line)))
                except ValueError as error:
                    items.append((number, _Bad(error)))
        return items
    try:
        data = _loads(text)
    except ValueError as error:
        raise TraceFileError(str(error)) from None
    if isinstance(data, dict):
        return [(1, data)]
    if isinstance(data, list):
        return list(enumerate(data, 1))
    raise TraceFileError("a .json trace file holds one trace object or a list of them")


def read_traces(name: str, data: bytes) -> TraceFile:
    """The traces of an uploaded .json or .jsonl file; TraceFileError when the file as a whole cannot be read."""
    kind = _suffix(name)
    if kind not in KINDS:
        raise TraceFileError(f"{name or 'the file'}: a trace file is .json or .jsonl")
    items = _items(kind, _text(data))
    if not items:
        raise TraceFileError("the file holds no trace")
    if len(items) > MAX_TRACES:
        raise TraceFileError(f"the file holds {len(items):,} traces; the limit is {MAX_TRACES}: split it")
    traces, errors = [], []
    for number, item in items:
        if isinstance(item, _Bad):
            errors.append((number, str(item)))
            continue
        try:
            traces.append((number, Trace.from_dict(item)))
        except TraceFormatError as error:
            errors.append((number, str(error)))
    return TraceFile(traces, errors)


def is_trace_file(name: str, data: bytes) -> bool:
    """Whether the Upload page reads this file as traces (read_traces) rather than inputs (upload.parse_upload):
    every .json file; a .jsonl file whose first non-empty line is an object with "steps" (translate's lines have
    none). A file that cannot be read is left to parse_upload, which says why."""
    kind = _suffix(name)
    if kind == ".json":
        return True
    if kind != ".jsonl" or not data or len(data) > MAX_BYTES:
        return False
    try:
        text = read_text(data)
    except UploadError:
        return False
    first = next((line for line in text.splitlines() if line.strip()), "")
    if '"steps"' not in first:  # cheap: most lines of inputs are not parsed at all
        return False
    try:
        record = _loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and "steps" in record
