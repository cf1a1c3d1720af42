"""Reading uploaded files of inputs: `parse_upload(name, data)` is pure and says what to fix.

.txt: one input per line. .csv / .tsv: a `source` column (or a single unnamed column); an optional
`target` column is scored by forced decoding beside the model's own output. .jsonl: the lines `translate` writes
(or this page's JSON Lines download), one object per line with its `source` (and an optional `target`); a line that
carries "attribution" (`translate --attribution`, export.batch_record) keeps it, checked against the line's own
tokens, for the gallery (file_attribution). UTF-8 (with or without BOM) and UTF-16 with BOM are read; anything else
is refused with one message. Lines that cannot be used are skipped and reported with their line numbers, never
dropped silently; a malformed attribution is reported and left out, its line kept.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import dataclass, field
from pathlib import PurePath

from .export import batch_record, jsonl
from .limits import MAX_INPUT_CHARS
from .trace import Trace, TraceFormatError, attributions_from_block

MAX_MB = 5  # the one size limit: the upload widget's (app_pages/upload.py) and parse_upload's
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_LINES = 10_000
SOURCE_NAMES = ("source", "input", "text", "src")
TARGET_NAMES = ("target", "reference", "translation", "tgt", "expected")
KINDS = {".txt": "txt", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl"}
# The results of an upload, one dict per input (app_pages/upload.py): the model's own output and its
# probability; with a target column also the given target and its probability by forced decoding.
COLUMNS = ("line", "source", "prediction", "target", "prob", "target_prob", "entropy", "src_len", "out_len")
TARGET_COLUMNS = ("target", "target_prob")


class UploadError(ValueError):
    """A file that cannot be read as inputs; the message says what to fix."""


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line (or record) number in the file, for messages and for the results table
    source: str
    target: str | None = None


@dataclass(frozen=True)
class FileAttribution:
    """A .jsonl line's attribution (DESIGN §6, trace.attribution_block) and the tokens it was computed over."""

    source_tokens: tuple[str, ...]
    target_tokens: tuple[str, ...]
    block: dict


@dataclass
class Upload:
    kind: str
    rows: list[Row]
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    attributions: dict[int, FileAttribution] = field(default_factory=dict)  # .jsonl: line → its attribution
    bad_attributions: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong): left out

    @property
    def has_target(self) -> bool:
        return any(row.target is not None for row in self.rows)


def read_text(data: bytes) -> str:
    """The text of a file of inputs: UTF-8 (with or without BOM) or UTF-16 with BOM, and not binary; else
    UploadError. The one reader of the upload page and of `translate --input`."""
    text = _decode(data)
    _check_text(text)
    return text


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UploadError("the file starts like UTF-16 but is not valid UTF-16: save it as UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadError(f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start:,}): "
                         "save it as UTF-8 or UTF-16") from None


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise UploadError("the file looks binary (it contains NUL bytes): use a text, CSV or TSV file")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    if controls > max(8, len(text) // 100):
        raise UploadError("the file looks binary (many control characters): use a text, CSV or TSV file")


def _usable(line: int, source: str, target: str | None, rows: list[Row], skipped: list) -> None:
    if not source.strip():
        skipped.append((line, "empty"))
    elif len(source) > MAX_INPUT_CHARS:
        skipped.append((line, f"{len(source):,} characters (the limit is {MAX_INPUT_CHARS:,})"))
    elif target is not None and len(target) > MAX_INPUT_CHARS:
        skipped.append((line, f"target of {len(target):,} characters (the limit is {MAX_INPUT_CHARS:,})"))
    else:
        rows.append(Row(line, source.strip(), None if target is None or not target.strip() else target.strip()))


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def _table(text: str, delimiter: str) -> tuple[list[Row], list]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records, start = [], 1
    try:
        for record in reader:  # numbered by the physical line each record starts on, as an editor shows it
            if record and any(cell.strip() for cell in record):
                records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        raise UploadError(f"the file is not valid {'CSV' if delimiter == ',' else 'TSV'}: {error}") from None
    if not records:
        raise UploadError("the file has no rows")
    first = records[0][1]
    src, tgt = _column(first, SOURCE_NAMES), _column(first, TARGET_NAMES)
    if src is not None:
        records = records[1:]
    elif len(first) == 1 or all(len(r) == 1 for _, r in records):
        src, tgt = 0, None  # one unnamed column: every row is an input
    else:
        raise UploadError(f"no usable column: name the input column one of {', '.join(SOURCE_NAMES)} in the first "
                         f"row (and the optional reference column one of {', '.join(TARGET_NAMES)})")
    rows, skipped = [], []
    for number, record in records:
        if src >= len(record):
            skipped.append((number, "no value in the source column"))
            continue
        target = record[tgt] if tgt is not None and tgt < len(record) else None
        _usable(number, record[src], target, rows, skipped)
    return rows, skipped


def _json_lines(text: str) -> tuple[list[Row], list, dict[int, FileAttribution], list]:
    """The rows of a .jsonl file, its skipped lines, the attribution of the lines that carry one (checked here, on
    the line's own source and target tokens), and the malformed attributions (reported, their lines still used)."""
    rows, skipped, attributions, bad = [], [], {}, []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            skipped.append((number, f"not JSON ({error.msg})"))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("source"), str):
            skipped.append((number, "no text \"source\" in the line"))
            continue
        if record.get("error") is not None:
            skipped.append((number, f"an error line of the file: {record['error']}"))
            continue
        target = record.get("target")
        _usable(number, record["source"], target if isinstance(target, str) else None, rows, skipped)
        if record.get("attribution") is not None and rows and rows[-1].line == number:
            try:
                attributions[number] = _file_attribution(record)
            except TraceFormatError as error:
                bad.append((number, str(error)))
    return rows, skipped, attributions, bad


def _file_attribution(record: dict) -> FileAttribution:
    source, target = record.get("source_tokens"), record.get("target_tokens")
    if not all(isinstance(tokens, list) and all(isinstance(t, str) for t in tokens) for tokens in (source, target)):
        raise TraceFormatError("attribution without the line's source_tokens and target_tokens")
    attributions_from_block(record["attribution"], len(target), len(source))  # (checked; read again when drawn)
    return FileAttribution(tuple(source), tuple(target), record["attribution"])


def file_attribution(trace: Trace, given: FileAttribution) -> Trace | None:
    """A copy of `trace` whose steps carry the file's attribution; None when the file's tokens are not the trace's
    (the attribution was computed for another output: by another model, or the same model before it changed)."""
    if (tuple(trace.source_tokens), tuple(trace.target_tokens)) != (given.source_tokens, given.target_tokens):
        return None
    found = attributions_from_block(given.block, len(trace.steps), len(trace.source_tokens))
    return dataclasses.replace(trace, steps=[dataclasses.replace(step, attribution=a)
                                             for step, a in zip(trace.steps, found, strict=True)])


def parse_upload(name: str, data: bytes) -> Upload:
    """The inputs of an uploaded file, or UploadError with a message that says what to fix."""
    kind = KINDS.get(PurePath(name or "").suffix.lower())
    if kind is None:
        raise UploadError(f"{name or 'the file'}: upload a .txt, .csv, .tsv or .jsonl file")
    if not data:
        raise UploadError("the file is empty")
    if len(data) > MAX_BYTES:
        raise UploadError(f"the file is {len(data) / 2**20:.1f} MB; the limit is {MAX_MB} MB")
    text = read_text(data)
    attributions, bad = {}, []
    if kind == "jsonl":
        rows, skipped, attributions, bad = _json_lines(text)
    elif kind == "txt":
        lines = text.splitlines()
        rows, skipped = [], []
        for number, line in enumerate(lines, 1):
            if line.strip():
                _usable(number, line, None, rows, skipped)
            else:
                skipped.append((number, "empty"))
        while skipped and skipped[-1][1] == "empty" and skipped[-1][0] == len(lines):  # trailing blank lines
            skipped.pop()
            lines.pop()
    else:
        rows, skipped = _table(text, "," if kind == "csv" else "\t")
    if len(rows) > MAX_LINES:
        raise UploadError(f"the file has {len(rows):,} inputs; the limit is {MAX_LINES:,}: split it into smaller files")
    if not rows:
        raise UploadError("the file has no usable input" + (f" ({len(skipped)} line(s) skipped)" if skipped else ""))
    return Upload(kind, rows, skipped, attributions, bad)


def result_columns(has_target: bool) -> list[str]:
    """The columns of the results table and of its CSV download."""
    return [c for c in COLUMNS if has_target or c not in TARGET_COLUMNS]


def results_jsonl(model, results: list[dict], has_target: bool,
                  attributions: dict[int, FileAttribution] | None = None) -> bytes:
    """JSON Lines of every result: the DESIGN §2 batch object of the model's own output (decoded again, so that
    nothing large is kept between runs), and with a target column the target and its probability. A line of the
    file that carried an attribution (`attributions`, by line) keeps it where it is still of this output (the same
    tokens: file_attribution), so that `translate --attribution`'s lines come back with theirs."""
    records, attributions = [], attributions or {}
    for start in range(0, len(results), 500):
        chunk = results[start:start + 500]
        traces = model.trace_batch([r["source"] for r in chunk])
        traces = [(file_attribution(t, attributions[r["line"]]) if r["line"] in attributions else None) or t
                  for r, t in zip(chunk, traces)]
        given = [{"target": r["target"] or None, "target_prob": r["target_prob"]} if has_target else {} for r in chunk]
        records += [{"line": r["line"], **batch_record(t), **g} for r, t, g in zip(chunk, traces, given)]
    return jsonl(records)
