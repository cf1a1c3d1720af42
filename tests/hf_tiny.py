"""Tiny randomly initialised transformers encoder–decoders (Marian, BART, T5), saved with save_pretrained beside a
word-level tokenizer in a folder: hf: models for the tests, built here since no model hub is reachable."""

from __future__ import annotations

import torch
import transformers

WORDS = "the cat dog sat on a mat red big small saw ran".split()
SPECIALS = ["<pad>", "</s>", "<unk>", "<s>"]  # ids 0 1 2 3
PAD, EOS, UNK, BOS = range(4)
TEXT = "the big cat sat on a red mat"
SIZES = dict(d_model=16, layers=2, heads=2, ffn=32, positions=24)


def tiny_tokenizer(template: str):
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {w: i for i, w in enumerate(SPECIALS + WORDS)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(single=template, special_tokens=[("<s>", BOS), ("</s>", EOS)])
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>",
                                                unk_token="<unk>", bos_token="<s>")


def tiny_config(kind: str):
    n, L, h, f, P = (SIZES[k] for k in ("d_model", "layers", "heads", "ffn", "positions"))
    vocab = len(SPECIALS) + len(WORDS)
    if kind == "t5":
        return transformers.T5Config(vocab_size=vocab, d_model=n, d_kv=n // h, d_ff=f, num_layers=L,
                                     num_decoder_layers=L, num_heads=h, pad_token_id=PAD, eos_token_id=EOS,
                                     decoder_start_token_id=PAD, dropout_rate=0.0)
    common = dict(vocab_size=vocab, d_model=n, encoder_layers=L, decoder_layers=L, encoder_attention_heads=h,
                  decoder_attention_heads=h, encoder_ffn_dim=f, decoder_ffn_dim=f, max_position_embeddings=P,
                  pad_token_id=PAD, eos_token_id=EOS, dropout=0.0, attention_dropout=0.0)
    if kind == "marian":
        return transformers.MarianConfig(**common, decoder_start_token_id=PAD)
    return transformers.BartConfig(**common, bos_token_id=BOS, decoder_start_token_id=EOS, forced_eos_token_id=EOS)


MODEL_CLASSES = {"marian": "MarianMTModel", "bart": "BartForConditionalGeneration",
                 "t5": "T5ForConditionalGeneration"}
TEMPLATES = {"marian": "$A </s>", "bart": "<s> $A </s>", "t5": "$A </s>"}


# (seed, scale of the weight matrices): models whose greedy decoding ends on </s> or writes several words, and
# whose attention is far from uniform (the default init, with d_model 16, attends almost evenly)
WEIGHTS = {"marian": (5, 8.0), "bart": (5, 20.0), "t5": (0, 3.0)}


def save_tiny(kind: str, folder, seed: int | None = None):
    seed, scale = (WEIGHTS[kind][0] if seed is None else seed), WEIGHTS[kind][1]
    torch.manual_seed(seed)
    model = getattr(transformers, MODEL_CLASSES[kind])(tiny_config(kind))
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(scale if p.ndim == 2 else 1.0)
    model.save_pretrained(folder)
    tiny_tokenizer(TEMPLATES[kind]).save_pretrained(folder)
    return folder
