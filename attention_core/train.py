"""Seeded, reproducible training: validation each epoch, best checkpoint kept, early stopping.

    python -m attention_core train --task dates --decoder luong --score dot --out pretrained/dates-dot
"""

from __future__ import annotations

import copy
import dataclasses
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from .card import write_card
from .checkpoint import build_model, save_model
from .config import PRESETS, ModelConfig
from .data import load_task
from .evaluate import bleu_chrf, exact_match, field_attention_heads, model_metrics
from .snapshots import Recorder, snapshot_due, write_training
from .tokenizers import BOS_ID, EOS_ID, PAD_ID, build_tokenizer, pad_ids
from .translator import Translator


@dataclass
class TrainSettings:
    task: str
    out: Path
    architecture: str = "rnn"  # rnn (decoder and score below) or transformer (layers, heads, … below)
    decoder: str = "luong"
    score: str = "dot"
    layers: int | None = None
    heads: int | None = None
    d_ff: int | None = None
    norm: str | None = None
    positions: str | None = None
    preset: str | None = None  # defaults to the task's preset
    embed_size: int | None = None
    hidden_size: int | None = None
    bidirectional: bool | None = None
    dropout: float | None = None
    decoder_init: str | None = None
    source_end_marker: bool | None = None
    weights_dtype: str | None = None
    epochs: int = 20
    batch_size: int = 64
    lr: float = 1e-3
    warmup: int = 0  # > 0: linear warm-up over this many steps, then a cosine decay to lr / 10 (rate_at)
    label_smoothing: float = 0.0
    patience: int = 3
    seed: int = 0
    train_size: int | None = None
    min_count: int = 1  # char and word tokens seen fewer times become <unk>
    tokenizer: str | None = None  # char | word | subword; defaults to the task's preset
    vocab_size: int = 4000  # subword pieces per side, specials included
    device: str = "cpu"
    quiet: bool = False


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _batches(n_src: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar source length (sorted within pools of 50 batches)."""
    order = list(range(len(n_src)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: n_src[i])
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def rate_at(step: int, *, warmup: int, total: int) -> float:
    """The learning rate's factor after `step` optimizer steps: 1 without warm-up; with it, step / warmup while
    warming up, then 0.1 + 0.9 · (1 + cos(π · progress)) / 2 as progress runs from 0 to 1 at `total` steps."""
    if warmup <= 0:
        return 1.0
    if step < warmup:
        return (step + 1) / warmup
    progress = min((step - warmup) / max(total - warmup, 1), 1.0)
    return float(0.1 + 0.9 * (1 + np.cos(np.pi * progress)) / 2)


TRANSFORMER_KEYS = ("layers", "heads", "d_ff", "norm", "positions")


def build_config(s: TrainSettings, source_vocab: int, target_vocab: int) -> ModelConfig:
    preset = dict(PRESETS[s.preset or s.task])
    if s.architecture == "transformer":
        preset.update(PRESETS[f"{s.preset or s.task}-transformer"])
    if s.tokenizer is not None:
        preset["tokenizer"] = s.tokenizer
    for key in ("embed_size", "hidden_size", "bidirectional", "dropout", "decoder_init", "source_end_marker",
                "weights_dtype", *TRANSFORMER_KEYS):
        if getattr(s, key) is not None:
            preset[key] = getattr(s, key)
    if s.architecture == "transformer":
        decoder, score = "transformer", "scaled_dot"
    else:
        decoder = s.decoder
        score = s.score if s.decoder == "luong" else ("concat" if s.decoder == "bahdanau" else "none")
        for key in TRANSFORMER_KEYS:
            preset.pop(key, None)
    return ModelConfig(architecture=s.architecture, decoder=decoder, score=score, source_vocab_size=source_vocab,
                       target_vocab_size=target_vocab, task=s.task, **preset)


def _encode_pairs(translator: Translator, examples: list) -> list[tuple[list[int], list[int]]]:
    """(source ids, target ids) with end markers; pairs longer than the model's limits are dropped."""
    cfg = translator.config
    end = [EOS_ID] if cfg.source_end_marker else []
    src, tgt = translator.source_tokenizer, translator.target_tokenizer
    pairs = [(src.encode(ex.source) + end, tgt.encode(ex.target) + [EOS_ID]) for ex in examples]
    return [(x, y) for x, y in pairs
            if len(end) < len(x) <= cfg.max_source_len and len(y) <= cfg.max_target_len]


def _loss(model: nn.Module, loss_fn, pairs: list, device: str) -> torch.Tensor:
    """Mean token cross-entropy of one batch under teacher forcing."""
    xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
    x, y = pad_ids(xs).to(device), pad_ids(ys).to(device)
    y_in = torch.cat([torch.full((len(pairs), 1), BOS_ID, dtype=torch.long, device=device), y[:, :-1]], 1)
    logits = model(x, torch.tensor([len(r) for r in xs], device=device), y_in)  # (B, T, V)
    return loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def _mean_loss(translator: Translator, examples: list, loss_fn) -> float:
    """The teacher-forced loss of `examples`, per token, in batches of 500 (no gradients)."""
    pairs = _encode_pairs(translator, examples)
    with torch.inference_mode():
        total = sum(float(_loss(translator.model, loss_fn, pairs[i:i + 500], "cpu")) * len(pairs[i:i + 500])
                    for i in range(0, len(pairs), 500))
    return total / max(len(pairs), 1)


def _validate(translator: Translator, examples: list, task: str, loss_fn) -> tuple[float, float]:
    """(exact match or BLEU of greedy decoding, teacher-forced loss) on the validation split."""
    usable = [ex for ex in examples if translator.check(ex.source) is None]
    preds = [t.prediction for t in translator.trace_batch([ex.source for ex in usable])]
    targets = [ex.target for ex in usable]
    score = exact_match(preds, targets) if task == "dates" else bleu_chrf(preds, targets)[0]
    return score, _mean_loss(translator, examples, loss_fn)


def choose_alignment(translator: Translator, examples: list, task: str) -> dict:
    """Which cross-attention a Transformer's views show by default, measured on `examples` (the validation
    split): for dates the head, or layer mean, with the highest field attention (among equals the later layer,
    and a layer's mean before its heads); for other tasks, which have no gold alignment, the last
    layer's mean. Sets the translator's and its model's config; returns how the choice was made."""
    cfg = translator.config
    layer, head, measured, usable = cfg.layers, 0, None, []  # head 0: the mean over the layer's heads
    if task == "dates":
        usable = [ex for ex in examples if translator.check(ex.source) is None]
        measured = field_attention_heads(translator.trace_batch([ex.source for ex in usable]), usable)
        candidates = [(share, ell, j) for ell in range(cfg.layers, 0, -1)  # the last layer first, its mean first
                      for j, share in enumerate([measured["mean"][ell - 1], *measured["layers"][ell - 1]])]
        _, layer, head = max(candidates, key=lambda c: c[0])  # max keeps the first of equals
    cfg = dataclasses.replace(cfg, alignment_layer=layer, alignment_head=head)
    translator.config = translator.model.cfg = cfg  # Transformer.step reads model.cfg.alignment_from
    return {"alignment_from": cfg.alignment_from, "by": "field attention" if measured else "default",
            "split": "valid", "examples": len(usable), "field_attention_heads": measured}


def train(s: TrainSettings, command: str = "") -> Translator:
    """Train one model and write its folder (weights, config, vocab, metrics, card) to s.out."""
    seed_everything(s.seed)
    started, cpu_started = time.perf_counter(), time.process_time()
    splits = load_task(s.task, seed=s.seed, train_size=s.train_size)
    kind = s.tokenizer or PRESETS[s.preset or s.task]["tokenizer"]
    src_tok, tgt_tok = (build_tokenizer(kind, [getattr(ex, side) for ex in splits["train"]], min_count=s.min_count,
                                        vocab_size=s.vocab_size) for side in ("source", "target"))
    cfg = build_config(s, len(src_tok), len(tgt_tok))
    name = Path(s.out).name
    model = build_model(cfg).to(s.device)
    translator = Translator(name, cfg, model, src_tok, tgt_tok)

    pairs = _encode_pairs(translator, splits["train"])
    optimizer = torch.optim.Adam(model.parameters(), lr=s.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_ID, label_smoothing=s.label_smoothing)
    rng = random.Random(s.seed)
    # Snapshots decode on the CPU and read no random numbers, so they leave the training run as it was.
    recorder = Recorder(translator, s.task, splits["valid"], lambda tr, ex: _mean_loss(tr, ex, loss_fn), seed=s.seed)
    model.cpu()
    recorder.take(step=0, examples_seen=0, epoch=0.0, train_loss=None)
    model.to(s.device)
    best_key, best_state, best_epoch, history, bad_epochs = None, None, 0, [], 0
    step, seen, best_step, since = 0, 0, 0, []
    per_epoch = len(_batches([len(x) for x, _ in pairs], s.batch_size, random.Random(0)))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda k: rate_at(k, warmup=s.warmup, total=per_epoch * s.epochs))
    for epoch in range(1, s.epochs + 1):
        model.train()
        total, count = 0.0, 0
        batches = _batches([len(x) for x, _ in pairs], s.batch_size, rng)
        for batch in tqdm(batches, desc=f"{name} epoch {epoch}", disable=s.quiet, leave=False):
            loss = _loss(model, loss_fn, [pairs[i] for i in batch], s.device)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(batch)
            count += len(batch)
            step, seen = step + 1, seen + len(batch)
            since.append(loss.item())
            if snapshot_due(step, len(batches)):
                model.cpu()
                recorder.take(step=step, examples_seen=seen, epoch=seen / len(pairs), train_loss=np.mean(since))
                model.to(s.device)
                since = []
        model.cpu().eval()
        score, valid_loss = _validate(translator, splits["valid"], s.task, loss_fn)
        model.to(s.device)
        history.append({"epoch": epoch, "train_loss": total / count, "valid_loss": valid_loss, "valid": score,
                        "seconds": round(time.perf_counter() - started, 1)})
        if not s.quiet:
            print(f"{name} epoch {epoch}: train loss {total / count:.4f}, valid loss {valid_loss:.4f}, valid "
                  f"{'exact match' if s.task == 'dates' else 'BLEU'} {score:.4f}", flush=True)
        key = (score, -valid_loss)  # the best validation score; among equals, the lowest validation loss
        if best_key is None or key > best_key:
            best_key, best_state, best_epoch, bad_epochs = key, copy.deepcopy(model.state_dict()), epoch, 0
            best_step = step
        else:
            bad_epochs += 1
            if bad_epochs >= s.patience:
                break
    # Measure exactly what ships: weights rounded to the storage type first.
    dtype = getattr(torch, cfg.weights_dtype)
    model.load_state_dict({k: v.to(dtype).float() for k, v in best_state.items()})
    model.cpu().eval()
    choice = choose_alignment(translator, splits["valid"], s.task) if cfg.architecture == "transformer" else None
    training = recorder.finish(last_step=best_step)  # the shipped weights and default head: the last snapshot
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    metrics = model_metrics(translator, splits, task=s.task)  # the test split, after the choice
    metrics["training"] = {"seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1),
                           "threads": torch.get_num_threads(), "best_epoch": best_epoch, "history": history,
                           "settings": {k: str(v) if isinstance(v, Path) else v
                                        for k, v in dataclasses.asdict(s).items()},
                           "train_examples": len(pairs), "command": command}
    snapshots = training["snapshots"]
    metrics["training"]["snapshots"] = {
        "count": len(snapshots), "valid_metric": training["valid_metric"], "valid_examples": training["valid_examples"],
        **{end: {k: snapshots[i].get(k) for k in ("step", "valid_loss", "valid_metric", "field_attention")}
           for end, i in (("first", 0), ("last", -1))}}
    if choice is not None:  # kept with the training facts, which measure.refresh keeps
        metrics["training"]["alignment_choice"] = choice
    translator.metrics = metrics
    save_model(translator, s.out, metrics=metrics, card=write_card(translator, metrics))
    write_training(s.out, training)
    return translator
